"""Template helpers that render Django forms with GOV.UK Frontend markup,
so that every form gets labels, hints, error messages and the error summary
in the design system's accessible pattern."""

from typing import Any

from django import forms, template
from django.utils import timezone

register = template.Library()


def _widget_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


_CLASSES = {
    "input": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


@register.inclusion_tag("core/includes/field.html")
def govuk_field(field: forms.BoundField, width: str = "", label_size: str = "") -> dict[str, Any]:
    kind = _widget_kind(field)
    attrs: dict[str, Any] = {}
    css = _CLASSES.get(kind, "")
    if field.errors and kind in {"input", "select", "textarea", "file"}:
        css += f" {css}--error"
    if width and kind == "input":
        css += f" govuk-input--width-{width}" if width.isdigit() else f" govuk-!-width-{width}"
    if css:
        attrs["class"] = css.strip()
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    if described_by and kind not in {"checkboxes", "radios"}:
        attrs["aria-describedby"] = " ".join(described_by)
    return {
        "field": field,
        "kind": kind,
        "widget": field.as_widget(attrs=attrs) if kind not in {"checkboxes", "radios"} else "",
        "label_size": label_size,
        "described_by": " ".join(described_by),
    }


@register.inclusion_tag("core/includes/error_summary.html")
def govuk_error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    errors = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            errors.append({"text": error, "href": ""})
        for name, field_errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            target = bound.auto_id
            if _widget_kind(bound) in {"checkboxes", "radios"}:
                target = f"{bound.auto_id}_0"
            for error in field_errors:
                errors.append({"text": error, "href": f"#{target}"})
    return {"errors": errors}


@register.filter
def london(value: Any) -> Any:
    """A timezone-aware time in Europe/London, for display."""
    if value is None:
        return value
    return timezone.localtime(value)


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int, param: str = "page") -> str:
    """This page's query string with one page number changed, keeping the
    filters (and the other list's page) as they are."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
