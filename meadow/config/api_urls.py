"""The REST API, version 1: each app contributes its routes from its api.py."""

from rest_framework.routers import DefaultRouter

from meadow.commitments import api as commitments_api
from meadow.frameworks import api as frameworks_api
from meadow.indicators import api as indicators_api
from meadow.jobs import api as jobs_api
from meadow.parties import api as parties_api
from meadow.places import api as places_api
from meadow.reports import api as reports_api
from meadow.stocktake import api as stocktake_api
from meadow.targets import api as targets_api

# Formats are chosen with ?format=csv: element codes contain dots (15.1.1), which a
# format suffix (.json) would make ambiguous.
router = DefaultRouter()
router.include_format_suffixes = False
frameworks_api.register(router)
places_api.register(router)
indicators_api.register(router)
jobs_api.register(router)
parties_api.register(router)
targets_api.register(router)
commitments_api.register(router)
stocktake_api.register(router)
reports_api.register(router)

urlpatterns = router.urls
