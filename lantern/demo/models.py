from django.db import models


class SeedRun(models.Model):
    """Marks a database as holding synthetic data. Its presence puts a "Demo"
    banner on every page, and `lantern seed` refuses to run against a database
    without LANTERN_DEMO=1 or --i-know, so that synthetic people never reach a
    production database by accident."""

    scale = models.CharField(max_length=20)
    seed = models.IntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    young_people = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.scale} seed {self.seed}"
