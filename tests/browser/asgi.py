"""The site as the browser tests serve it: designer.asgi's application, with static files served from the apps'
static directories (as Django's and Channels' live-server test cases do), so that no collectstatic is needed."""
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from designer.asgi import application as site

application = ASGIStaticFilesHandler(site)
