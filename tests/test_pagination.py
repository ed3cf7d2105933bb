from django.template import Context, Template
from django.test import RequestFactory


def test_page_links_keep_the_filters_and_change_only_their_own_page_number():
    request = RequestFactory().get("/audit/", {"action": "view", "page": "2", "team_page": "3"})
    rendered = Template("{% page_url 3 %}|{% page_url 4 'team_page' %}").render(Context({"request": request}))
    first, second = rendered.split("|")
    # Escaped for HTML: the browser reads &amp; in an href as &.
    assert first == "?action=view&amp;page=3&amp;team_page=3"
    assert second == "?action=view&amp;page=2&amp;team_page=4"
