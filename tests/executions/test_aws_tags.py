"""The AWS-compatible endpoint, tags: TagResource, UntagResource, ListTagsForResource on state machines and
activities."""
import pytest

from tests.executions.aws_helpers import PREFIX, error_of, make, sfn, unchecked  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_tag_untag_list(sfn):
    arn = make(sfn, tags=[{"key": "team", "value": "orders"}])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "orders"}]
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "billing"}, {"key": "tier", "value": "1"},
                                            {"key": "bare"}])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "billing"}, {"key": "tier", "value": "1"}, {"key": "bare", "value": ""}]
    sfn.untag_resource(resourceArn=arn, tagKeys=["team", "absent"])
    assert [tag["key"] for tag in sfn.list_tags_for_resource(resourceArn=arn)["tags"]] == ["tier", "bare"]
    activity = sfn.create_activity(name="Picker")["activityArn"]
    sfn.tag_resource(resourceArn=activity, tags=[{"key": "k", "value": "v"}])
    assert sfn.list_tags_for_resource(resourceArn=activity)["tags"] == [{"key": "k", "value": "v"}]
    # Tags go with their resource.
    sfn.delete_state_machine(stateMachineArn=arn)
    make(sfn)
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_tag_errors(sfn, unchecked):
    arn = make(sfn, publish=True)
    with pytest.raises(sfn.exceptions.ResourceNotFound) as excinfo:
        sfn.tag_resource(resourceArn=f"{arn}:1", tags=[{"key": "k", "value": "v"}])
    assert error_of(excinfo) == ("ResourceNotFound", f"Resource not found: '{arn}:1'")
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_tags_for_resource(resourceArn=f"{PREFIX}:stateMachine:Nope")
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.untag_resource(resourceArn=f"{PREFIX}:activity:Nope", tagKeys=["k"])
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_tags_for_resource(resourceArn="nope")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_tags_for_resource(resourceArn=f"{PREFIX}:execution:Orders:x")
    with pytest.raises(sfn.exceptions.TooManyTags):
        sfn.tag_resource(resourceArn=arn, tags=[{"key": f"k{n}", "value": "v"} for n in range(51)])
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.tag_resource(resourceArn=arn, tags=[{"key": "", "value": "v"}])
    assert error_of(excinfo)[1] == ("1 validation error detected: Value '' at 'tags.1.member.key' failed to "
                                    "satisfy constraint: Member must have length greater than or equal to 1")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.untag_resource(resourceArn=arn)
    assert error_of(excinfo)[1] == ("1 validation error detected: Value null at 'tagKeys' failed to satisfy "
                                    "constraint: Member must not be null")
