"""ReceiptTextWorkflow: an objector's receipt (回执号) texted to the mobile number they gave (id
``receipt-text-<objection id>``, so one per objection however often it is started). The activity reads the number
and the receipt from the read model and sends through the claimed delivery row (activities/sms.py); a temporary
failure is retried as a notice's are, up to ``BIAOGAN_CHANNEL_ATTEMPTS``, then left recorded as failed."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.sms import SmsActivities

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


def receipt_text_workflow_id(objection_id: str) -> str:
    return f"receipt-text-{objection_id}"


@workflow.defn
class ReceiptTextWorkflow:
    @workflow.run
    async def run(self, objection_id: str) -> str:
        return await workflow.execute_activity_method(
            SmsActivities.text_receipt,
            objection_id,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RETRY,
        )
