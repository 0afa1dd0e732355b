"""The database side of CountyStandardsWorkflow: each version of a county's conditions, written once."""

import logging

from temporalio import activity

from contracts.standards import ConditionsRecord, ConditionsRecorded
from db.session import insert_ignore, session_for
from db.standards import CountyConditionVersion

log = logging.getLogger(__name__)


class StandardsActivities:
    def __init__(self, database_url: str):
        self.database_url = database_url

    @activity.defn
    def record_county_conditions(self, r: ConditionsRecord) -> ConditionsRecorded:
        """Keyed by (county, version): a retried activity writes nothing twice."""
        row = {
            "county": r.county,
            "version": r.version,
            "conditions": [{"code": c.code, "text": c.text, "types": [t.value for t in c.types]} for c in r.conditions],
            "retired_now": list(r.retired_now),
            "retired": list(r.retired),
            "reason": r.reason,
            "actor_user_id": r.actor.user_id,
            "actor_name": r.actor.name,
            "actor_role": r.actor.role.value,
            "set_at": r.at,
        }
        with session_for(self.database_url) as s:
            written = insert_ignore(s, CountyConditionVersion, row, ["county", "version"])
            s.commit()
        log.info("county conditions %s v%d: %d conditions, %s", r.county, r.version, len(r.conditions), written)
        return ConditionsRecorded(written=written)
