import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules and URL patterns) lives as long
# as the process: the cyclic garbage collector need not walk it again at every full
# collection, which otherwise stopped a request for 40 to 130 ms at a time
# (benchmarks/directory_search.py measures in a process prepared the same way).
gc.freeze()
