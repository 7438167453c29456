"""TagResource, UntagResource, ListTagsForResource (state machines and activities)."""
from __future__ import annotations

from designer import services as machines
from executions import services as runs
from executions.aws.authentication import Caller
from executions.aws.dispatch import action


@action("TagResource")
def tag_resource(params: dict, caller: Caller) -> dict:
    machines.tag_resource(runs.find_taggable(params["resourceArn"]), params["tags"])
    caller.record("tags.update", params["resourceArn"], added=sorted({tag["key"] for tag in params["tags"]}))
    return {}


@action("UntagResource")
def untag_resource(params: dict, caller: Caller) -> dict:
    machines.untag_resource(runs.find_taggable(params["resourceArn"]), params["tagKeys"])
    caller.record("tags.update", params["resourceArn"], removed=sorted(set(params["tagKeys"])))
    return {}


@action("ListTagsForResource")
def list_tags_for_resource(params: dict, caller: Caller) -> dict:
    return {"tags": machines.resource_tags(runs.find_taggable(params["resourceArn"]))}
