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

from moto.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
