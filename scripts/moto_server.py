# moto_server with fixes for gaps of the pinned moto that TrailGuard's tests depend on; each fix follows the AWS API reference.
import sys

from moto.sns import responses as sns_responses

_get_topic_attributes = sns_responses.SNSResponse.get_topic_attributes


def _get_topic_attributes_with_signature_version(self):
    # moto stores SignatureVersion (CreateTopic Attributes, SetTopicAttributes) but GetTopicAttributes omits it.
    # AWS returns it once set ("If the API response does not include the SignatureVersion attribute, it means
    # that the SignatureVersion for the topic has value 1"), and TrailGuard's drift check reads it.
    result = _get_topic_attributes(self)
    topic = self.backend.get_topic(self._get_param("TopicArn"))
    version = getattr(topic, "signature_version", None)
    if version is not None:
        result.result["Attributes"]["SignatureVersion"] = str(version)
    return result


sns_responses.SNSResponse.get_topic_attributes = _get_topic_attributes_with_signature_version

from moto.cloudtrail import models as cloudtrail_models  # noqa: E402

_get_event_selectors = cloudtrail_models.Trail.get_event_selectors


def _get_event_selectors_with_default(self):
    # A trail created without selectors logs all management events, and AWS's GetEventSelectors shows that default
    # selector (CloudTrail API reference, GetEventSelectors; the AWS CLI's get-event-selectors example on a new trail);
    # moto answers with no selector at all, which reads as "records nothing".
    event_selectors, advanced_event_selectors = _get_event_selectors(self)
    if not event_selectors and not advanced_event_selectors:
        event_selectors = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}]
    return event_selectors, advanced_event_selectors


cloudtrail_models.Trail.get_event_selectors = _get_event_selectors_with_default

from moto.sqs import models as sqs_models  # noqa: E402


class _MappingsMotoDoesNotPoll(dict):
    # moto hands each new SQS message to the queue's Lambda event source mappings itself, by receiving it and invoking
    # the function. Functions cannot run in this emulator (no Docker), and that receive races the local runner that
    # plays Lambda's SQS integration (test/support, scripts/demo): a message taken mid-poll was lost to the sweep, one
    # account in three at random. The mappings stay recorded (apply and plan read them through Lambda's API); only
    # moto's own delivery to them is off, as the local runner is what delivers.
    def items(self):
        return []


_queue_init = sqs_models.Queue.__init__


def _queue_init_with_unpolled_mappings(self, *args, **kwargs):
    _queue_init(self, *args, **kwargs)
    self.lambda_event_source_mappings = _MappingsMotoDoesNotPoll()


sqs_models.Queue.__init__ = _queue_init_with_unpolled_mappings

from moto.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
