"""Who may call at all: sign-in, sessions, tokens, roles, rate limits, body limits, Temporal's availability."""

from contracts.rules import rule  # noqa: F401

# Temporal's availability (503, with Retry-After): services/refusals.py from_temporal.
TEMPORAL_UNAVAILABLE = rule("temporal_unavailable", "工作流服务暂不可用，请稍后重试")
TEMPORAL_BUSY = rule("temporal_busy", "工作流服务繁忙，请稍后重试")
NO_WORKER = rule("no_worker", "暂无工作进程处理此请求，请稍后重试")
ACT_TIMEOUT = rule("act_timeout", "办理超时，工作流尚未受理；请先查看当前状态再重试")
