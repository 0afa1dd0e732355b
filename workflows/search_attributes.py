"""Typed custom search attributes kept current by ApplicationWorkflow (``Stage='publicized' AND County='兰山区'``)."""

from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("Stage")
COUNTY = SearchAttributeKey.for_keyword("County")
LEVEL = SearchAttributeKey.for_keyword("Level")
INSTITUTION_TYPE = SearchAttributeKey.for_keyword("InstitutionType")
ROUND = SearchAttributeKey.for_keyword("Round")

ALL = (STAGE, COUNTY, LEVEL, INSTITUTION_TYPE, ROUND)
