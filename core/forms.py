"""How a form field renders: Django's form renderer, reading the project's templates, with the GOV.UK form group of
templates/includes/field.html as the field template, so `{{ form.<name>.as_field_group }}` writes a GOV.UK field."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """settings.FORM_RENDERER. Widgets keep Django's own templates (found through the "django.forms" app)."""

    field_template_name = "includes/field.html"
