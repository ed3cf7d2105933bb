#!/usr/bin/env python
from lantern.__main__ import main

if __name__ == "__main__":
    main()
