"""修改评分 (workflows/application_scores.py): the rules an amendment of a score sheet may break."""

from contracts.rules import rule

SCORE_AMEND_CLOSED = rule("score_amend_closed", "评审已结束，评分不能再修改")
SCORE_NOT_FOUND = rule("score_not_found", "您尚未对该申请评分，无评分可修改，请先评分")
SCORE_AMEND_REASON = rule("score_amend_reason", "请填写修改评分的理由")
SCORE_AMEND_EMPTY = rule("score_amend_empty", "书面评审、现场答辩、实地考察至少填写一项得分")
SCORE_AMEND_RANGE = rule("score_amend_range", "{part}得分须在0至100之间")
SCORE_AMEND_UNCHANGED = rule("score_amend_unchanged", "修改后的评分与原评分相同，无需修改")
SCORE_AMEND_NOT_PERMITTED = rule("score_amend_not_permitted", "只有评分的评审人员本人可以修改评分")
