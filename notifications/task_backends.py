"""Django Tasks API backends that hand work to django-q2 or Celery."""
