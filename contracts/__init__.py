"""The dataclasses that go in and out of workflows and activities: one home, imported the same way by workflows, activities, the API and clients."""
