// Registers aws-sdk-client-mock's vitest matchers (toHaveReceivedCommandTimes...).
import 'aws-sdk-client-mock-vitest/extend';
