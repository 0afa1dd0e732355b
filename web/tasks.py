"""The workbench's 待办: the caller's to-do (api/todo.py: every act the machine allows this user now, and the yearly
filing a county owes, each with when it arrived, its deadline, overdue or not, how often urged), grouped by task:
"3件待县级审核"."""

from dataclasses import dataclass, field

from api.todo import TaskItem


@dataclass
class Task:
    name: str  # 县级审核, 会签, 备案, …
    act: str
    items: list[TaskItem] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)


def grouped(items: list[TaskItem]) -> list[Task]:
    """One Task per kind of act, in the order the items come (the procedure's)."""
    tasks: dict[str, Task] = {}
    for item in items:
        tasks.setdefault(item.act, Task(item.name, item.act)).items.append(item)
    return list(tasks.values())
