from django.apps import AppConfig


class ForceCommentsConfig(AppConfig):
    name = "forcecomments"
    verbose_name = "The chief constable's comments by link"
