export const id = 155;
export const ids = [155];
export const modules = {

/***/ 155:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  BatchProcessor: () => (/* reexport */ BatchProcessor),
  EventType: () => (/* reexport */ EventType),
  processPartialResponse: () => (/* reexport */ processPartialResponse)
});

// UNUSED EXPORTS: BasePartialBatchProcessor, BatchProcessingError, BatchProcessorSync, FullBatchFailureError, ParsingError, SqsFifoMessageGroupShortCircuitError, SqsFifoPartialProcessor, SqsFifoPartialProcessorAsync, SqsFifoShortCircuitError, UnexpectedBatchTypeError, processPartialResponseSync

// EXTERNAL MODULE: ./node_modules/@aws/lambda-invoke-store/dist-cjs/invoke-store.js
var invoke_store = __webpack_require__(9320);
;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/node_modules/@aws-lambda-powertools/commons/lib/esm/constants.js
const constants_AWS_LAMBDA_INITIALIZATION_TYPE_ENV_VAR = 'AWS_LAMBDA_INITIALIZATION_TYPE';
const AWS_LAMBDA_MAX_CONCURRENCY = 'AWS_LAMBDA_MAX_CONCURRENCY';
const constants_POWERTOOLS_DEV_ENV_VAR = 'POWERTOOLS_DEV';
const constants_POWERTOOLS_SERVICE_NAME_ENV_VAR = 'POWERTOOLS_SERVICE_NAME';
const constants_XRAY_TRACE_ID_ENV_VAR = '_X_AMZN_TRACE_ID';


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/node_modules/@aws-lambda-powertools/commons/lib/esm/envUtils.js


/**
 * Get a string from the environment variables.
 *
 * @example
 * ```ts
 * import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const myEnvVar = getStringFromEnv({
 *   key: 'MY_ENV_VAR',
 *   errorMessage: 'MY_ENV_VAR is required for this function',
 * });
 * ```
 *
 * By default, the value is trimmed and always required.
 *
 * You can also provide a default value, which will be returned if the environment variable is not set instead of throwing an error.
 *
 * @example
 * ```ts
 * import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const myEnvVar = getStringFromEnv({
 *   key: 'MY_ENV_VAR',
 *   defaultValue: 'defaultValue',
 * });
 * ```
 *
 * @param options - The options for getting the string.
 * @param options.key - The key of the environment variable.
 * @param options.defaultValue - Optional default value to return if the environment variable is not set.
 * @param options.errorMessage - Optional error message to throw if the environment variable is not set and no default value is provided. Defaults to `"Environment variable <key> is required"`.
 */
const getStringFromEnv = ({ key, defaultValue, errorMessage, }) => {
    const value = process.env[key];
    if (value === undefined) {
        if (defaultValue !== undefined) {
            return defaultValue;
        }
        if (errorMessage) {
            throw new Error(errorMessage);
        }
        throw new Error(`Environment variable ${key} is required`);
    }
    return value.trim();
};
/**
 * Get a number from the environment variables.
 *
 * @example
 * ```ts
 * import { getNumberFromEnv } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const myEnvVar = getNumberFromEnv({
 *   key: 'MY_ENV_VAR',
 *   errorMessage: 'MY_ENV_VAR is required for this function',
 * });
 * ```
 *
 * By default, the value is trimmed before being converted to a number and always required.
 *
 * You can also provide a default value, which will be returned if the environment variable is not set instead of throwing an error.
 *
 * @example
 * ```ts
 * import { getNumberFromEnv } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const myEnvVar = getNumberFromEnv({
 *   key: 'MY_ENV_VAR',
 *   defaultValue: 42,
 * });
 * ```
 *
 * @param options - The options for getting the number.
 * @param options.key - The key of the environment variable.
 * @param options.defaultValue - The default value to return if the environment variable is not set.
 * @param options.errorMessage - Optional error message to throw if the environment variable is not set and no default value is provided. Defaults to `"Environment variable <key> is required"`.
 */
const getNumberFromEnv = ({ key, defaultValue, errorMessage, }) => {
    const value = getStringFromEnv({
        key,
        defaultValue: String(defaultValue),
        errorMessage,
    });
    const parsedValue = Number(value);
    if (Number.isNaN(parsedValue)) {
        throw new TypeError(`Environment variable ${key} must be a number`);
    }
    return parsedValue;
};
const truthyValues = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const falsyValues = new Set(['0', 'n', 'no', 'f', 'false', 'off']);
/**
 * Get a boolean from the environment variables.
 *
 * @example
 * ```ts
 * import { getBooleanFromEnv } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const myEnvVar = getBooleanFromEnv({
 *   key: 'MY_ENV_VAR',
 *   errorMessage: 'MY_ENV_VAR is required for this function',
 * });
 * ```
 *
 * By default, the value is trimmed before being converted to a boolean and always required.
 *
 * You can also provide a default value, which will be returned if the environment variable is not set instead of throwing an error.
 *
 * @example
 * ```ts
 * import { getBooleanFromEnv } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const myEnvVar = getBooleanFromEnv({
 *   key: 'MY_ENV_VAR',
 *   defaultValue: true,
 * });
 * ```
 *
 * By default, the value is parsed as a boolean. You can also provide an option to extend the parsing of the boolean value to include common string representations.
 *
 * @example
 * ```ts
 * import { getBooleanFromEnv } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const myEnvVar = getBooleanFromEnv({
 *   key: 'MY_ENV_VAR',
 *   defaultValue: true,
 *   extendedParsing: true,
 * });
 * ```
 *
 * The following values are considered `true`:
 * - `"true"`
 * - `"1"`
 * - `"yes"`
 * - `"on"`
 * - `"y"`
 *
 * The following values are considered `false`:
 * - `"false"`
 * - `"0"`
 * - `"no"`
 * - `"off"`
 * - `"n"`
 *
 * @param options - The options for getting the boolean.
 * @param options.key - The key of the environment variable.
 * @param options.defaultValue - The default value to return if the environment variable is not set.
 * @param options.errorMessage - Optional error message to throw if the environment variable is not set and no default value is provided. Defaults to `"Environment variable <key> is required"`.
 * @param options.extendedParsing - Whether to extend the parsing of the boolean value to include common string representations like `'1'`, `'y'`, `'yes'`, `'t'`, `'true'`, `'on'` for `true` and `'0'`, `'n'`, `'no'`, `'f'`, `'false'`, `'off'` for `false`.
 */
const getBooleanFromEnv = ({ key, defaultValue, errorMessage, extendedParsing, }) => {
    const value = getStringFromEnv({
        key,
        defaultValue: String(defaultValue),
        errorMessage,
    });
    const parsedValue = value.toLowerCase();
    if (extendedParsing) {
        if (truthyValues.has(parsedValue)) {
            return true;
        }
        if (falsyValues.has(parsedValue)) {
            return false;
        }
    }
    if (parsedValue !== 'true' && parsedValue !== 'false') {
        throw new Error(`Environment variable ${key} must be a boolean`);
    }
    return parsedValue === 'true';
};
/**
 * Check if the current invocation is running in a development environment.
 *
 * This is determined by the `POWERTOOLS_DEV` environment variable.
 *
 * @example
 * ```ts
 * import { isDevMode } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const isDev = isDevMode();
 * ```
 */
const isDevMode = () => {
    try {
        return getBooleanFromEnv({
            key: POWERTOOLS_DEV_ENV_VAR,
            extendedParsing: true,
        });
    }
    catch {
        return false;
    }
};
/**
 * Check if the code is running inside an actual AWS Lambda execution environment.
 *
 * This is determined by the `AWS_LAMBDA_INITIALIZATION_TYPE` environment variable,
 * which is set by the Lambda runtime to either `on-demand` or `provisioned-concurrency`.
 *
 * When the variable is not set, or when running in development mode - see {@link isDevMode | `isDevMode()`} -
 * the function returns `false`, e.g. during local development or in tests.
 *
 * @example
 * ```ts
 * import { isRunningInLambda } from '@aws-lambda-powertools/commons/utils/env';
 *
 * if (isRunningInLambda()) {
 *   // do something that requires a real Lambda execution environment
 * }
 * ```
 */
const isRunningInLambda = () => {
    const initializationType = getStringFromEnv({
        key: AWS_LAMBDA_INITIALIZATION_TYPE_ENV_VAR,
        defaultValue: 'unknown',
    });
    return !isDevMode() && initializationType !== 'unknown';
};
/**
 * Get the service name from the environment variables.
 *
 * This is determined by the `POWERTOOLS_SERVICE_NAME` environment variable.
 *
 * @example
 * ```ts
 * import { getServiceName } from '@aws-lambda-powertools/commons/utils/env';
 *
 * const serviceName = getServiceName();
 * ```
 */
const getServiceName = () => {
    return getStringFromEnv({
        key: POWERTOOLS_SERVICE_NAME_ENV_VAR,
        defaultValue: '',
    });
};
/**
 * Get the AWS X-Ray Trace data from the lambda RIC async context or the  `_X_AMZN_TRACE_ID` environment variable.
 *
 * Checks the async context first and if that returns undefined, falls back to the environment variable
 *
 * The method parses the value and returns an object with the key-value pairs.
 */
const getXrayTraceDataFromEnv = () => {
    const xRayTraceEnv = globalThis.awslambda?.InvokeStore?.getXRayTraceId() ??
        getStringFromEnv({
            key: XRAY_TRACE_ID_ENV_VAR,
            defaultValue: '',
        });
    if (xRayTraceEnv === '') {
        return undefined;
    }
    if (!xRayTraceEnv.includes('=')) {
        return {
            Root: xRayTraceEnv,
        };
    }
    const xRayTraceData = {};
    for (const field of xRayTraceEnv.split(';')) {
        const [key, value] = field.split('=');
        xRayTraceData[key] = value;
    }
    return xRayTraceData;
};
/**
 * Determine if the current invocation is part of a sampled X-Ray trace.
 *
 * The AWS X-Ray Trace data is available in either the RIC async context or the `_X_AMZN_TRACE_ID` environment variable has this format:
 * `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1`,
 *
 * Checks the async context first and if that returns undefined, falls back to the environment variable
 */
const isRequestXRaySampled = () => {
    const xRayTraceData = getXrayTraceDataFromEnv();
    return xRayTraceData?.Sampled === '1';
};
const shouldUseInvokeStore = () => {
    const res = getStringFromEnv({
        key: AWS_LAMBDA_MAX_CONCURRENCY,
        defaultValue: '',
    });
    return res !== '';
};
/**
 * AWS X-Ray Trace id from the lambda RIC async context or the  `_X_AMZN_TRACE_ID` environment variable.
 *
 * Checks the async context first and if that returns undefined, falls back to the environment variable
 *
 * The AWS X-Ray Trace data has this format:
 * `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1`,
 *
 * The actual Trace ID is: `1-5759e988-bd862e3fe1be46a994272793`.
 */
const getXRayTraceIdFromEnv = () => {
    const xRayTraceData = getXrayTraceDataFromEnv();
    return xRayTraceData?.Root;
};


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/BatchProcessingStore.js


/**
 * Manages storage of batch processing state with automatic context detection.
 *
 * This class abstracts the storage mechanism for batch processing state,
 * automatically choosing between InvokeStore (when in Lambda context) and
 * fallback instance variables (when outside Lambda context). The decision is
 * made at runtime on every method call to support Lambda's concurrent execution
 * isolation.
 */
class BatchProcessingStore {
    #recordsKey = Symbol('powertools.batch.records');
    #handlerKey = Symbol('powertools.batch.handler');
    #optionsKey = Symbol('powertools.batch.options');
    #failureMessagesKey = Symbol('powertools.batch.failureMessages');
    #successMessagesKey = Symbol('powertools.batch.successMessages');
    #batchResponseKey = Symbol('powertools.batch.batchResponse');
    #errorsKey = Symbol('powertools.batch.errors');
    #fallbackRecords = [];
    #fallbackHandler = () => { };
    #fallbackOptions;
    #fallbackFailureMessages = [];
    #fallbackSuccessMessages = [];
    #fallbackBatchResponse = {
        batchItemFailures: [],
    };
    #fallbackErrors = [];
    getRecords() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackRecords;
        }
        if (globalThis.awslambda?.InvokeStore === undefined) {
            throw new Error('InvokeStore is not available');
        }
        const store = globalThis.awslambda.InvokeStore;
        return store.get(this.#recordsKey) ?? [];
    }
    setRecords(records) {
        if (!shouldUseInvokeStore()) {
            this.#fallbackRecords = records;
            return;
        }
        if (globalThis.awslambda?.InvokeStore === undefined) {
            throw new Error('InvokeStore is not available');
        }
        const store = globalThis.awslambda.InvokeStore;
        store.set(this.#recordsKey, records);
    }
    getHandler() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackHandler;
        }
        return (globalThis.awslambda?.InvokeStore?.get(this.#handlerKey) ?? (() => { }));
    }
    setHandler(handler) {
        if (!shouldUseInvokeStore()) {
            this.#fallbackHandler = handler;
            return;
        }
        globalThis.awslambda?.InvokeStore?.set(this.#handlerKey, handler);
    }
    getOptions() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackOptions;
        }
        return globalThis.awslambda?.InvokeStore?.get(this.#optionsKey);
    }
    setOptions(options) {
        if (!shouldUseInvokeStore()) {
            this.#fallbackOptions = options;
            return;
        }
        globalThis.awslambda?.InvokeStore?.set(this.#optionsKey, options);
    }
    getFailureMessages() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackFailureMessages;
        }
        return (globalThis.awslambda?.InvokeStore?.get(this.#failureMessagesKey) ?? []);
    }
    setFailureMessages(messages) {
        if (!shouldUseInvokeStore()) {
            this.#fallbackFailureMessages = messages;
            return;
        }
        globalThis.awslambda?.InvokeStore?.set(this.#failureMessagesKey, messages);
    }
    getSuccessMessages() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackSuccessMessages;
        }
        return (globalThis.awslambda?.InvokeStore?.get(this.#successMessagesKey) ?? []);
    }
    setSuccessMessages(messages) {
        if (!shouldUseInvokeStore()) {
            this.#fallbackSuccessMessages = messages;
            return;
        }
        globalThis.awslambda?.InvokeStore?.set(this.#successMessagesKey, messages);
    }
    getBatchResponse() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackBatchResponse;
        }
        return (globalThis.awslambda?.InvokeStore?.get(this.#batchResponseKey) ?? { batchItemFailures: [] });
    }
    setBatchResponse(response) {
        if (!shouldUseInvokeStore()) {
            this.#fallbackBatchResponse = response;
            return;
        }
        globalThis.awslambda?.InvokeStore?.set(this.#batchResponseKey, response);
    }
    getErrors() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackErrors;
        }
        return (globalThis.awslambda?.InvokeStore?.get(this.#errorsKey) ?? []);
    }
    setErrors(errors) {
        if (!shouldUseInvokeStore()) {
            this.#fallbackErrors = errors;
            return;
        }
        globalThis.awslambda?.InvokeStore?.set(this.#errorsKey, errors);
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/BasePartialProcessor.js

/**
 * Abstract class for batch processors.
 *
 * This class provides a common interface for processing records in a batch.
 *
 * Batch processors implementing this class should provide implementations for
 * a number of abstract methods that are specific to the type of processor or the
 * type of records being processed.
 *
 * The class comes with a few helper methods and hooks that can be used to prepare
 * the processor before processing records, clean up after processing records, and
 * handle records that succeed or fail processing.
 */
class BasePartialProcessor {
    /**
     * Store for managing invocation-specific state
     */
    #store = new BatchProcessingStore();
    get errors() {
        return this.#store.getErrors();
    }
    set errors(errors) {
        this.#store.setErrors(errors);
    }
    get failureMessages() {
        return this.#store.getFailureMessages();
    }
    set failureMessages(messages) {
        this.#store.setFailureMessages(messages);
    }
    get handler() {
        return this.#store.getHandler();
    }
    set handler(handler) {
        this.#store.setHandler(handler);
    }
    get options() {
        return this.#store.getOptions();
    }
    set options(options) {
        this.#store.setOptions(options);
    }
    get records() {
        return this.#store.getRecords();
    }
    set records(records) {
        this.#store.setRecords(records);
    }
    get successMessages() {
        return this.#store.getSuccessMessages();
    }
    set successMessages(messages) {
        this.#store.setSuccessMessages(messages);
    }
    get batchResponse() {
        return this.#store.getBatchResponse();
    }
    set batchResponse(response) {
        this.#store.setBatchResponse(response);
    }
    /**
     * Method to handle a record that failed processing
     *
     * This method should be called when a record fails processing so that
     * the processor can keep track of the error and the record that failed.
     *
     * @param record - Record that failed processing
     * @param error - Error that was thrown
     */
    failureHandler(record, error) {
        const entry = ['fail', error.message, record];
        this.errors.push(error);
        this.failureMessages.push(record);
        return entry;
    }
    /**
     * Process all records with an asynchronous handler
     *
     * Once called, the processor will create an array of promises to process each record
     * and wait for all of them to settle before returning the results.
     *
     * Before and after processing, the processor will call the prepare and clean methods respectively.
     */
    async process() {
        this.prepare();
        // Default to `true` if `processInParallel` is not specified.
        const processInParallel = this.options?.processInParallel ?? true;
        const processedRecords = processInParallel
            ? await this.#processRecordsInParallel()
            : await this.#processRecordsSequentially();
        this.clean();
        return processedRecords;
    }
    /**
     * Orchestrate the processing of a batch of records synchronously
     * and sequentially.
     *
     * The method is responsible for calling the prepare method before
     * processing the records and the clean method after processing the records.
     *
     * In the middle, the method will iterate over the records and call the
     * processRecordSync method for each record.
     *
     * @returns List of processed records
     */
    processSync() {
        /**
         * If this is an async processor, user should have called process instead,
         * so we call the method early to throw the error early thus failing fast.
         */
        if (this.constructor.name === 'BatchProcessor') {
            this.processRecordSync(this.records[0]);
        }
        this.prepare();
        const processedRecords = [];
        for (const record of this.records) {
            processedRecords.push(this.processRecordSync(record));
        }
        this.clean();
        return processedRecords;
    }
    /**
     * Set up the processor with the records and the handler
     *
     * This method should be called before processing the records to
     * bind the records and the handler for a specific invocation to
     * the processor.
     *
     * We use a separate method to do this rather than the constructor
     * to allow for reusing the processor instance across multiple invocations
     * by instantiating the processor outside the Lambda function handler.
     *
     * @param records - Array of records to be processed
     * @param handler - CallableFunction to process each record from the batch
     * @param options - Options to be used during processing (optional)
     */
    register(records, handler, options) {
        this.records = records;
        this.handler = handler;
        if (options) {
            this.options = options;
        }
        return this;
    }
    /**
     * Method to handle a record that succeeded processing
     *
     * This method should be called when a record succeeds processing so that
     * the processor can keep track of the result and the record that succeeded.
     *
     * @param record - Record that succeeded processing
     * @param result - Result from record handler
     */
    successHandler(record, result) {
        const entry = ['success', result, record];
        this.successMessages.push(record);
        return entry;
    }
    /**
     * Processes records in parallel using `Promise.all`.
     */
    #processRecordsInParallel() {
        return Promise.all(this.records.map((record) => this.processRecord(record)));
    }
    /**
     * Processes records sequentially, ensuring that each record is processed one after the other.
     */
    async #processRecordsSequentially() {
        const processedRecords = [];
        for (const record of this.records) {
            processedRecords.push(await this.processRecord(record));
        }
        return processedRecords;
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/constants.js
/**
 * Enum of supported event types for the utility
 */
const EventType = {
    SQS: 'SQS',
    KinesisDataStreams: 'KinesisDataStreams',
    DynamoDBStreams: 'DynamoDBStreams',
};
/**
 * Enum of supported schema vendors for the utility
 */
const SchemaVendor = {
    Zod: 'zod',
};
/**
 * Default response for the partial batch processor
 */
const DEFAULT_RESPONSE = {
    batchItemFailures: [],
};
/**
 * Mapping of event types to their respective data classes
 */
const DATA_CLASS_MAPPING = {
    [EventType.SQS]: (record) => record,
    [EventType.KinesisDataStreams]: (record) => record,
    [EventType.DynamoDBStreams]: (record) => record,
};


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/errors.js

/**
 * Base error thrown by the Batch Processing utility
 */
class BatchProcessingError extends Error {
    constructor(message) {
        super(message);
        this.name = 'BatchProcessingError';
    }
}
/**
 * Error thrown by the Batch Processing utility when all batch records failed to be processed
 */
class FullBatchFailureError extends BatchProcessingError {
    recordErrors;
    constructor(childErrors) {
        super('All records failed processing. See individual errors below.');
        this.recordErrors = childErrors;
        this.name = 'FullBatchFailureError';
    }
}
/**
 * Error thrown by the Batch Processing utility when a SQS FIFO queue is short-circuited.
 * This happens when a record fails processing and the remaining records are not processed
 * to avoid out-of-order delivery.
 */
class SqsFifoShortCircuitError extends BatchProcessingError {
    constructor() {
        super('A previous record failed processing. The remaining records were not processed to avoid out-of-order delivery.');
        this.name = 'SqsFifoShortCircuitError';
    }
}
/**
 * Error thrown by the Batch Processing utility when a previous record from
 * SQS FIFO queue message group fails processing.
 */
class SqsFifoMessageGroupShortCircuitError extends BatchProcessingError {
    constructor() {
        super('A previous record from this message group failed processing');
        this.name = 'SqsFifoMessageGroupShortCircuitError';
    }
}
/**
 * Error thrown by the Batch Processing utility when a partial processor receives an unexpected
 * batch type.
 */
class errors_UnexpectedBatchTypeError extends BatchProcessingError {
    constructor() {
        super(`Unexpected batch type. Possible values are: ${Object.values(EventType).join(', ')}`);
        this.name = 'UnexpectedBatchTypeError';
    }
}
/**
 * Error thrown by the Batch Processing utility when a record fails to be parsed.
 */
class ParsingError extends BatchProcessingError {
    constructor(message) {
        super(message);
        this.name = 'ParsingError';
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/BasePartialBatchProcessor.js




/**
 * Base abstract class for processing batch records with partial failure handling
 *
 * This class extends the {@link BasePartialProcessor} class and adds additional
 * functionality to handle batch processing. Specifically, it provides methods
 * to collect failed records and build the partial failure response.
 */
class BasePartialBatchProcessor extends BasePartialProcessor {
    /**
     * Mapping of event types to their respective failure collectors
     *
     * Each service expects a different format for partial failure reporting,
     * this mapping ensures that the correct format is used for each event type.
     */
    COLLECTOR_MAPPING;
    /**
     * Type of event that the processor is handling
     */
    eventType;
    /**
     * A logger instance to be used for logging debug, warning, and error messages.
     *
     * When no logger is provided, we'll only log warnings and errors using the global `console` object.
     */
    logger;
    /**
     * The configuration options for the parser integration
     */
    parserConfig;
    /**
     * Initializes base batch processing class
     *
     * @param eventType The type of event to process (SQS, Kinesis, DynamoDB)
     */
    constructor(eventType, parserConfig) {
        super();
        this.eventType = eventType;
        this.batchResponse = DEFAULT_RESPONSE;
        this.COLLECTOR_MAPPING = {
            [EventType.SQS]: () => this.collectSqsFailures(),
            [EventType.KinesisDataStreams]: () => this.collectKinesisFailures(),
            [EventType.DynamoDBStreams]: () => this.collectDynamoDBFailures(),
        };
        this.parserConfig = parserConfig;
        const alcLogLevel = getStringFromEnv({
            key: 'AWS_LAMBDA_LOG_LEVEL',
            defaultValue: '',
        });
        this.logger = parserConfig?.logger ?? {
            debug: alcLogLevel === 'DEBUG' ? console.debug : () => undefined,
            error: console.error,
            warn: console.warn,
        };
    }
    /**
     * Clean up logic to be run after processing a batch
     *
     * If the entire batch failed this method will throw a {@link FullBatchFailureError | `FullBatchFailureError`} with the list of
     * errors that occurred during processing, unless the `throwOnFullBatchFailure` option is set to `false`.
     *
     * Otherwise, it will build the partial failure response based on the event type.
     */
    clean() {
        if (!this.hasMessagesToReport()) {
            return;
        }
        if (this.options?.throwOnFullBatchFailure !== false &&
            this.entireBatchFailed()) {
            throw new FullBatchFailureError(this.errors);
        }
        const messages = this.getMessagesToReport();
        this.batchResponse = { batchItemFailures: messages };
    }
    /**
     * Collect the identifiers of failed items for a DynamoDB stream
     *
     * The failures are collected based on the sequence number of the record
     * and formatted as a list of objects with the key `itemIdentifier` as
     * expected by the service.
     */
    collectDynamoDBFailures() {
        const failures = [];
        for (const msg of this.failureMessages) {
            const msgId = msg.dynamodb?.SequenceNumber;
            /* v8 ignore else -- @preserve */
            if (msgId) {
                failures.push({ itemIdentifier: msgId });
            }
        }
        return failures;
    }
    /**
     * Collect identifiers of failed items for a Kinesis batch
     *
     * The failures are collected based on the sequence number of the record
     * and formatted as a list of objects with the key `itemIdentifier` as
     * expected by the service.
     */
    collectKinesisFailures() {
        const failures = [];
        for (const msg of this.failureMessages) {
            const msgId = msg.kinesis.sequenceNumber;
            failures.push({ itemIdentifier: msgId });
        }
        return failures;
    }
    /**
     * Collect identifiers of failed items for an SQS batch
     *
     * The failures are collected based on the message ID of the record
     * and formatted as a list of objects with the key `itemIdentifier` as
     * expected by the service.
     */
    collectSqsFailures() {
        const failures = [];
        for (const msg of this.failureMessages) {
            const msgId = msg.messageId;
            failures.push({ itemIdentifier: msgId });
        }
        return failures;
    }
    /**
     * Determine if the entire batch failed
     *
     * If the number of errors is equal to the number of records, then the
     * entire batch failed and this method will return `true`.
     */
    entireBatchFailed() {
        return this.errors.length === this.records.length;
    }
    /**
     * Collect identifiers for failed batch items
     *
     * The method will call the appropriate collector based on the event type
     * and return the list of failed items.
     */
    getMessagesToReport() {
        return this.COLLECTOR_MAPPING[this.eventType]();
    }
    /**
     * Determine if there are any failed records to report
     *
     * If there are no failed records, then the batch was successful
     * and this method will return `false`.
     */
    hasMessagesToReport() {
        return this.failureMessages.length !== 0;
    }
    /**
     * Set up the processor with the initial state ready for processing
     */
    prepare() {
        this.successMessages = [];
        this.failureMessages = [];
        this.errors = [];
        this.batchResponse = DEFAULT_RESPONSE;
    }
    /**
     * Get the response from the batch processing
     */
    response() {
        return this.batchResponse;
    }
    /**
     * Forward a record to the appropriate batch type
     *
     * Based on the event type that the processor was initialized with, this method
     * will cast the record to the appropriate batch type handler.
     *
     * @param record The record to be processed
     * @param eventType The type of event to process
     */
    toBatchType(record, eventType) {
        return DATA_CLASS_MAPPING[eventType](record);
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/BatchProcessor.js


/**
 * Process records in a batch asynchronously and handle partial failure cases.
 *
 * The batch processor supports processing records coming from Amazon SQS,
 * Amazon Kinesis Data Streams, and Amazon DynamoDB Streams.
 *
 * Items are processed asynchronously and in parallel.
 *
 * **Process batch triggered by SQS**
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponse,
 * } from '@aws-lambda-powertools/batch';
 * import type { SQSRecord, SQSHandler } from 'aws-lambda';
 *
 * const processor = new BatchProcessor(EventType.SQS);
 *
 * const recordHandler = async (record: SQSRecord): Promise<void> => {
 *   const payload = JSON.parse(record.body);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponse(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 *
 * **Process batch triggered by Kinesis Data Streams**
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponse,
 * } from '@aws-lambda-powertools/batch';
 * import type { KinesisStreamHandler, KinesisStreamRecord } from 'aws-lambda';
 *
 * const processor = new BatchProcessor(EventType.KinesisDataStreams);
 *
 * const recordHandler = async (record: KinesisStreamRecord): Promise<void> => {
 *   const payload = JSON.parse(record.kinesis.data);
 * };
 *
 * export const handler: KinesisStreamHandler = async (event, context) =>
 *   processPartialResponse(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 *
 * **Process batch triggered by DynamoDB Streams**
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponse,
 * } from '@aws-lambda-powertools/batch';
 * import type { DynamoDBRecord, DynamoDBStreamHandler } from 'aws-lambda';
 *
 * const processor = new BatchProcessor(EventType.DynamoDBStreams);
 *
 * const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
 *   const payload = record.dynamodb.NewImage.Message.S;
 * };
 *
 * export const handler: DynamoDBStreamHandler = async (event, context) =>
 *   processPartialResponse(event, recordHandler, processor, {
 *     context,
 * });
 * ```
 *
 * **Process batch with schema validation**
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponse,
 * } from '@aws-lambda-powertools/batch';
 * import { parser } from '@aws-lambda-powertools/batch/parser';
 * import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas';
 * import type { SQSHandler } from 'aws-lambda';
 * import { z } from 'zod';
 *
 * const myItemSchema = z.object({ name: z.string(), age: z.number() });
 *
 * const processor = new BatchProcessor(EventType.SQS, {
 *   parser,
 *   schema: SqsRecordSchema.extend({
 *     body: myItemSchema,
 *   }),
 * });
 *
 * const recordHandler = async (record) => {
 *   // record is now fully typed and validated
 *   console.log(record.body.name, record.body.age);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponse(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 *
 * **Process batch with inner schema validation**
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponse,
 * } from '@aws-lambda-powertools/batch';
 * import { parser } from '@aws-lambda-powertools/batch/parser';
 * import type { SQSHandler } from 'aws-lambda';
 * import { z } from 'zod';
 *
 * const myItemSchema = z.object({ name: z.string(), age: z.number() });
 *
 * const processor = new BatchProcessor(EventType.SQS, {
 *   parser,
 *   innerSchema: myItemSchema,
 *   transformer: 'json'
 * });
 *
 * const recordHandler = async (record) => {
 *   // record is now fully typed and validated
 *   console.log(record.body.name, record.body.age);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponse(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 *
 * Note: If `innerSchema` is used with DynamoDB streams, the schema will be applied to both the NewImage and the OldImage by default. If you want to have separate schema for both, you will need to extend the schema and use the full schema for parsing.
 *
 * @param eventType - The type of event to process (SQS, Kinesis, DynamoDB)
 */
class BatchProcessor extends BasePartialBatchProcessor {
    /**
     * Handle a record asynchronously with the instance handler provided.
     *
     * This method implements the abstract method from the parent class,
     * and orchestrates the processing of a single record.
     *
     * First, it converts the record to the appropriate type for the batch processor.
     * Then, it calls the handler function with the record data and context.
     *
     * If the handler function completes successfully, the method returns a success response.
     * Otherwise, it returns a failure response with the error that occurred during processing.
     *
     * @param record - The record to be processed
     */
    async processRecord(record) {
        try {
            const recordToProcess = this.parserConfig?.parser
                ? await this.parserConfig.parser(record, this.eventType, this.logger, this.parserConfig)
                : record;
            const data = this.toBatchType(recordToProcess, this.eventType);
            const result = await this.handler(data, this.options?.context);
            return this.successHandler(record, result);
        }
        catch (error) {
            return this.failureHandler(record, error);
        }
    }
    /**
     * @throws {BatchProcessingError} This method is not implemented for synchronous processing.
     *
     * @param _record - The record to be processed
     */
    processRecordSync(_record) {
        throw new BatchProcessingError('Not implemented. Use asyncProcess() instead.');
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/BatchProcessorSync.js


/**
 * Process records in a batch synchronously and handle partial failure cases.
 *
 * The batch processor supports processing records coming from Amazon SQS,
 * Amazon Kinesis Data Streams, and Amazon DynamoDB Streams.
 *
 * Items are processed synchronously and in sequence.
 *
 * **Process batch triggered by SQS**
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessorSync,
 *   EventType,
 *   processPartialResponseSync,
 * } from '@aws-lambda-powertools/batch';
 * import type { SQSRecord, SQSHandler } from 'aws-lambda';
 *
 * const processor = new BatchProcessorSync(EventType.SQS);
 *
 * const recordHandler = (record: SQSRecord): void => {
 *   const payload = JSON.parse(record.body);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponseSync(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 *
 * **Process batch triggered by Kinesis Data Streams*
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessorSync,
 *   EventType,
 *   processPartialResponseSync,
 * } from '@aws-lambda-powertools/batch';
 * import type { KinesisStreamHandler, KinesisStreamRecord } from 'aws-lambda';
 *
 * const processor = new BatchProcessorSync(EventType.KinesisDataStreams);
 *
 * const recordHandler = (record: KinesisStreamRecord): void => {
 *   const payload = JSON.parse(record.kinesis.data);
 * };
 *
 * export const handler: KinesisStreamHandler = async (event, context) =>
 *   processPartialResponseSync(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 *
 * **Process batch triggered by DynamoDB Streams**
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessorSync,
 *   EventType,
 *   processPartialResponseSync,
 * } from '@aws-lambda-powertools/batch';
 * import type { DynamoDBRecord, DynamoDBStreamHandler } from 'aws-lambda';
 *
 * const processor = new BatchProcessorSync(EventType.DynamoDBStreams);
 *
 * const recordHandler = (record: DynamoDBRecord): void => {
 *   const payload = record.dynamodb.NewImage.Message.S;
 * };
 *
 * export const handler: DynamoDBStreamHandler = async (event, context) =>
 *   processPartialResponseSync(event, recordHandler, processor, {
 *     context,
 * });
 * ```
 *
 * @param eventType The type of event to process (SQS, Kinesis, DynamoDB)
 * @deprecated Use {@link BasePartialBatchProcessor} instead, this class is deprecated and will be removed in the next major version.
 */
/* v8 ignore next -- @preserve */ class BatchProcessorSync extends BasePartialBatchProcessor {
    /**
     * @throws {BatchProcessingError} This method is not implemented for asynchronous processing.
     *
     * @param _record The record to be processed
     */
    /* v8 ignore next -- @preserve */ processRecord(_record) {
        throw new BatchProcessingError('Not implemented. Use process() instead.');
    }
    /**
     * Handle a record synchronously with the instance handler provided.
     *
     * This method implements the abstract method from the parent class,
     * and orchestrates the processing of a single record.
     *
     * First, it converts the record to the appropriate type for the batch processor.
     * Then, it calls the handler function with the record data and context.
     *
     * If the handler function completes successfully, the method returns a success response.
     * Otherwise, it returns a failure response with the error that occurred during processing.
     *
     * @param record The record to be processed
     */
    processRecordSync(record) {
        try {
            const data = this.toBatchType(record, this.eventType);
            const result = this.handler(data, this.options?.context);
            return this.successHandler(record, result);
        }
        catch (error) {
            return this.failureHandler(record, error);
        }
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/processPartialResponse.js

/**
 * Higher level function to process a batch of records asynchronously
 * and handle partial failure cases.
 *
 * This function is intended to be used within asynchronous Lambda handlers
 * and together with a batch processor that implements the {@link BasePartialBatchProcessor}
 * interface.
 *
 * It accepts a batch of records, a record handler function, a batch processor,
 * and an optional set of options to configure the batch processing.
 *
 * By default, the function will process the batch of records asynchronously
 * and in parallel. If you need to process the records synchronously, you can
 * use the {@link processPartialResponseSync} function instead.
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponse,
 * } from '@aws-lambda-powertools/batch';
 * import type { KinesisStreamHandler, KinesisStreamRecord } from 'aws-lambda';
 *
 * const processor = new BatchProcessor(EventType.KinesisDataStreams);
 *
 * const recordHandler = async (record: KinesisStreamRecord): Promise<void> => {
 *   const payload = JSON.parse(record.kinesis.data);
 * };
 *
 * export const handler: KinesisStreamHandler = async (event, context) =>
 *   processPartialResponse(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 *
 * By default, if the entire batch fails, the function will throw an error.
 * If you want to prevent this behavior, you can set the `throwOnFullBatchFailure` to `false`
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponse,
 * } from '@aws-lambda-powertools/batch';
 * import type { KinesisStreamHandler, KinesisStreamRecord } from 'aws-lambda';
 *
 * const processor = new BatchProcessor(EventType.KinesisDataStreams);
 *
 * const recordHandler = async (record: KinesisStreamRecord): Promise<void> => {
 *   const payload = JSON.parse(record.kinesis.data);
 * };
 *
 * export const handler: KinesisStreamHandler = async (event, context) =>
 *   processPartialResponse(event, recordHandler, processor, {
 *     context,
 *     throwOnFullBatchFailure: false
 *   });
 * ```
 *
 * @param event The event object containing the batch of records
 * @param recordHandler Async function to process each record from the batch
 * @param processor Batch processor instance to handle the batch processing
 * @param options Batch processing options, see {{@link BatchProcessingOptions}}
 */
const processPartialResponse = async (event, recordHandler, processor, options) => {
    if (!event.Records || !Array.isArray(event.Records)) {
        throw new errors_UnexpectedBatchTypeError();
    }
    processor.register(event.Records, recordHandler, options);
    await processor.process();
    return processor.response();
};


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/processPartialResponseSync.js

/**
 * @deprecated Use {@link processPartialResponse} instead, this function is deprecated and will be removed in the next major version.
 *
 * Higher level function to process a batch of records synchronously
 * and handle partial failure cases.
 *
 * This function is intended to be used within synchronous Lambda handlers
 * and together with a batch processor that implements the {@link BasePartialBatchProcessor}
 * interface.
 *
 * It accepts a batch of records, a record handler function, a batch processor,
 * and an optional set of options to configure the batch processing.
 *
 * By default, the function will process the batch of records synchronously
 * and in sequence. If you need to process the records asynchronously, you can
 * use the {@link processPartialResponse} function instead.
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponseSync,
 * } from '@aws-lambda-powertools/batch';
 * import type { SQSRecord, SQSHandler } from 'aws-lambda';
 *
 * const processor = new BatchProcessor(EventType.SQS);
 *
 * const recordHandler = async (record: SQSRecord): Promise<void> => {
 *   const payload = JSON.parse(record.body);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponseSync(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 *
 * When working with SQS FIFO queues, we will stop processing at the first failure
 * and mark unprocessed messages as failed to preserve ordering. However, if you want to
 * continue processing messages from different group IDs, you can enable the `skipGroupOnError`
 * option for seamless processing of messages from various group IDs.
 *
 * @example
 * ```typescript
 * import {
 *   SqsFifoPartialProcessor,
 *   processPartialResponseSync,
 * } from '@aws-lambda-powertools/batch';
 * import type { SQSRecord, SQSHandler } from 'aws-lambda';
 *
 * const processor = new SqsFifoPartialProcessor();
 *
 * const recordHandler = async (record: SQSRecord): Promise<void> => {
 *   const payload = JSON.parse(record.body);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponseSync(event, recordHandler, processor, {
 *     context,
 *     skipGroupOnError: true
 *   });
 * ```
 *
 * By default, if the entire batch fails, the function will throw an error.
 * If you want to prevent this behavior, you can set the `throwOnFullBatchFailure` to `false`
 *
 * @example
 * ```typescript
 * import {
 *   SqsFifoPartialProcessor,
 *   processPartialResponseSync,
 * } from '@aws-lambda-powertools/batch';
 * import type { SQSRecord, SQSHandler } from 'aws-lambda';
 *
 * const processor = new SqsFifoPartialProcessor();
 *
 * const recordHandler = async (record: SQSRecord): Promise<void> => {
 *   const payload = JSON.parse(record.body);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponseSync(event, recordHandler, processor, {
 *     context,
 *     throwOnFullBatchFailure: false
 *   });
 * ```
 *
 * @param event The event object containing the batch of records
 * @param recordHandler Sync function to process each record from the batch
 * @param processor Batch processor instance to handle the batch processing
 * @param options Batch processing options, which can vary with chosen batch processor implementation
 */
/* v8 ignore next -- @preserve */ const processPartialResponseSync = (event, recordHandler, processor, options) => {
    if (!event.Records || !Array.isArray(event.Records)) {
        throw new UnexpectedBatchTypeError();
    }
    processor.register(event.Records, recordHandler, options);
    processor.processSync();
    return processor.response();
};


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/SqsFifoProcessorStore.js


/**
 * Manages storage of SQS FIFO processor state with automatic context detection.
 *
 * This class abstracts the storage mechanism for SQS FIFO processing state,
 * automatically choosing between InvokeStore (when in Lambda context) and
 * fallback instance variables (when outside Lambda context). The decision is
 * made at runtime on every method call to support Lambda's concurrent execution
 * isolation.
 */
class SqsFifoProcessorStore {
    #currentGroupIdKey = Symbol('powertools.batch.sqsFifo.currentGroupId');
    #failedGroupIdsKey = Symbol('powertools.batch.sqsFifo.failedGroupIds');
    #fallbackCurrentGroupId;
    #fallbackFailedGroupIds = new Set();
    getCurrentGroupId() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackCurrentGroupId;
        }
        if (globalThis.awslambda?.InvokeStore === undefined) {
            throw new Error('InvokeStore is not available');
        }
        const store = globalThis.awslambda.InvokeStore;
        return store.get(this.#currentGroupIdKey);
    }
    setCurrentGroupId(groupId) {
        if (!shouldUseInvokeStore()) {
            this.#fallbackCurrentGroupId = groupId;
            return;
        }
        if (globalThis.awslambda?.InvokeStore === undefined) {
            throw new Error('InvokeStore is not available');
        }
        const store = globalThis.awslambda.InvokeStore;
        store.set(this.#currentGroupIdKey, groupId);
    }
    addFailedGroupId(groupId) {
        this.getFailedGroupIds().add(groupId);
    }
    hasFailedGroupId(groupId) {
        return this.getFailedGroupIds().has(groupId);
    }
    getFailedGroupIds() {
        if (!shouldUseInvokeStore()) {
            return this.#fallbackFailedGroupIds;
        }
        if (globalThis.awslambda?.InvokeStore === undefined) {
            throw new Error('InvokeStore is not available');
        }
        const store = globalThis.awslambda.InvokeStore;
        let failedGroupIds = store.get(this.#failedGroupIdsKey);
        if (failedGroupIds == null) {
            failedGroupIds = new Set();
            store.set(this.#failedGroupIdsKey, failedGroupIds);
        }
        return failedGroupIds;
    }
    clearFailedGroupIds() {
        if (!shouldUseInvokeStore()) {
            this.#fallbackFailedGroupIds = new Set();
            return;
        }
        if (globalThis.awslambda?.InvokeStore === undefined) {
            throw new Error('InvokeStore is not available');
        }
        const store = globalThis.awslambda.InvokeStore;
        store.set(this.#failedGroupIdsKey, new Set());
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/SqsFifoProcessor.js

/**
 * Class representing a processor for SQS FIFO messages.
 * This class provides utilities for handling message groups, including tracking failed groups,
 * determining whether to short-circuit processing, and skipping groups based on processing options.
 */
class SqsFifoProcessor {
    #store = new SqsFifoProcessorStore();
    get currentGroupId() {
        return this.#store.getCurrentGroupId();
    }
    set currentGroupId(groupId) {
        this.#store.setCurrentGroupId(groupId);
    }
    /**
     * Adds the specified group ID to the set of failed group IDs.
     *
     * @param group - The group ID to be added to the set of failed group IDs.
     */
    addToFailedGroup(group) {
        this.#store.addFailedGroupId(group);
    }
    /**
     * Prepares the processor for a new batch of messages.
     */
    prepare() {
        this.currentGroupId = undefined;
        this.#store.clearFailedGroupIds();
    }
    /**
     * Sets the current group ID for the message being processed.
     *
     * @param group - The group ID of the current message being processed.
     */
    setCurrentGroup(group) {
        this.currentGroupId = group;
    }
    /**
     * Determines whether the current group should be short-circuited.
     *
     * If we have any failed messages, we should then short circuit the process and
     * fail remaining messages unless `skipGroupOnError` is true
     *
     * @param failureMessages - The list of failure messages.
     * @param options - The options for the batch processing.
     */
    shouldShortCircuit(failureMessages, options) {
        return !options?.skipGroupOnError && failureMessages.length !== 0;
    }
    /**
     * Determines whether the current group should be skipped.
     *
     * If `skipGroupOnError` is true and the current group has previously failed,
     * then we should skip processing the current group.
     *
     * @param options - The options for the batch processing.
     */
    shouldSkipCurrentGroup(options) {
        return ((options?.skipGroupOnError ?? false) &&
            this.currentGroupId !== undefined &&
            this.#store.hasFailedGroupId(this.currentGroupId));
    }
    /**
     * Handles failure for current group
     * Adds the current group ID to the set of failed group IDs if `skipGroupOnError` is true.
     *
     * @param options - The options for the batch processing.
     */
    processFailureForCurrentGroup(options) {
        if (options?.skipGroupOnError && this.currentGroupId) {
            this.addToFailedGroup(this.currentGroupId);
        }
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/SqsFifoPartialProcessor.js




/**
 * Batch processor for SQS FIFO queues
 *
 * This class extends the {@link BatchProcessorSync} class and provides
 * a mechanism to process records from SQS FIFO queues synchronously.
 *
 * By default, we will stop processing at the first failure and mark unprocessed messages as failed to preserve ordering.
 *
 * However, this behavior may not be optimal for customers who wish to proceed with processing messages from a different group ID.
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   EventType,
 *   processPartialResponseSync,
 * } from '@aws-lambda-powertools/batch';
 * import type { SQSRecord, SQSHandler } from 'aws-lambda';
 *
 * const processor = new BatchProcessor(EventType.SQS);
 *
 * const recordHandler = async (record: SQSRecord): Promise<void> => {
 *   const payload = JSON.parse(record.body);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponseSync(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 */
class SqsFifoPartialProcessor extends BatchProcessorSync {
    /**
     *  Processor for handling SQS FIFO message
     */
    #processor;
    constructor() {
        super(EventType.SQS);
        this.#processor = new SqsFifoProcessor();
    }
    /**
     * Handles a failure for a given record.
     * Adds the current group ID to the set of failed group IDs if `skipGroupOnError` is true.
     * @param record - The record that failed.
     * @param exception - The error that occurred.
     * @returns The failure response.
     */
    failureHandler(record, exception) {
        this.#processor.processFailureForCurrentGroup(this.options);
        return super.failureHandler(record, exception);
    }
    /**
     * Process a record with a synchronous handler
     *
     * This method orchestrates the processing of a batch of records synchronously
     * for SQS FIFO queues.
     *
     * The method calls the prepare hook to initialize the processor and then
     * iterates over each record in the batch, processing them one by one.
     *
     * If one of them fails and `skipGroupOnError` is not true, the method short circuits
     * the processing and fails the remaining records in the batch.
     *
     * If one of them fails and `skipGroupOnError` is true, then the method fails the current record
     * if the message group has any previous failure, otherwise keeps processing.
     *
     * Then, it calls the clean hook to clean up the processor and returns the
     * processed records.
     */
    processSync() {
        this.prepare();
        this.#processor.prepare();
        const processedRecords = [];
        let currentIndex = 0;
        for (const record of this.records) {
            this.#processor.setCurrentGroup(record.attributes?.MessageGroupId);
            if (this.#processor.shouldShortCircuit(this.failureMessages, this.options)) {
                return this.shortCircuitProcessing(currentIndex, processedRecords);
            }
            const result = this.#processor.shouldSkipCurrentGroup(this.options)
                ? this.#processFailRecord(record, new SqsFifoMessageGroupShortCircuitError())
                : this.processRecordSync(record);
            processedRecords.push(result);
            currentIndex++;
        }
        this.clean();
        return processedRecords;
    }
    /**
     * Starting from the first failure index, fail all remaining messages regardless
     * of their group ID.
     *
     * This short circuit mechanism is used when we detect a failed message in the batch.
     *
     * Since messages in a FIFO queue are processed in order, we must stop processing any
     * remaining messages in the batch to prevent out-of-order processing.
     *
     * @param firstFailureIndex Index of first message that failed
     * @param processedRecords Array of response items that have been processed both successfully and unsuccessfully
     */
    shortCircuitProcessing(firstFailureIndex, processedRecords) {
        const remainingRecords = this.records.slice(firstFailureIndex);
        for (const record of remainingRecords) {
            this.#processFailRecord(record, new SqsFifoShortCircuitError());
        }
        this.clean();
        return processedRecords;
    }
    /**
     * Processes a fail record.
     *
     * @param record - The record that failed.
     * @param exception - The error that occurred.
     */
    #processFailRecord(record, exception) {
        const data = this.toBatchType(record, this.eventType);
        return this.failureHandler(data, exception);
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/SqsFifoPartialProcessorAsync.js




/**
 * Batch processor for SQS FIFO queues
 *
 * This class extends the {@link BatchProcessor} class and provides
 * a mechanism to process records from SQS FIFO queues asynchronously.
 *
 * By default, we will stop processing at the first failure and mark unprocessed messages as failed to preserve ordering.
 *
 * However, this behavior may not be optimal for customers who wish to proceed with processing messages from a different group ID.
 *
 * @example
 * ```typescript
 * import {
 *   BatchProcessor,
 *   SqsFifoPartialProcessorAsync,
 *   processPartialResponse,
 * } from '@aws-lambda-powertools/batch';
 * import type { SQSRecord, SQSHandler } from 'aws-lambda';
 *
 * const processor = new SqsFifoPartialProcessorAsync();
 *
 * const recordHandler = async (record: SQSRecord): Promise<void> => {
 *   const payload = JSON.parse(record.body);
 * };
 *
 * export const handler: SQSHandler = async (event, context) =>
 *   processPartialResponse(event, recordHandler, processor, {
 *     context,
 *   });
 * ```
 */
class SqsFifoPartialProcessorAsync extends BatchProcessor {
    /**
     *  Processor for handling SQS FIFO message
     */
    #processor;
    constructor() {
        super(EventType.SQS);
        this.#processor = new SqsFifoProcessor();
    }
    /**
     * Handles a failure for a given record.
     *
     * @param record - The record that failed.
     * @param exception - The error that occurred.
     */
    failureHandler(record, exception) {
        this.#processor.processFailureForCurrentGroup(this.options);
        return super.failureHandler(record, exception);
    }
    /**
     * Process a record with a asynchronous handler
     *
     * This method orchestrates the processing of a batch of records asynchronously
     * for SQS FIFO queues.
     *
     * The method calls the prepare hook to initialize the processor and then
     * iterates over each record in the batch, processing them one by one.
     *
     * If one of them fails and `skipGroupOnError` is not true, the method short circuits
     * the processing and fails the remaining records in the batch.
     *
     * If one of them fails and `skipGroupOnError` is true, then the method fails the current record
     * if the message group has any previous failure, otherwise keeps processing.
     *
     * Then, it calls the clean hook to clean up the processor and returns the
     * processed records.
     */
    async process() {
        this.prepare();
        this.#processor.prepare();
        const processedRecords = [];
        let currentIndex = 0;
        for (const record of this.records) {
            this.#processor.setCurrentGroup(record.attributes?.MessageGroupId);
            if (this.#processor.shouldShortCircuit(this.failureMessages, this.options)) {
                return this.shortCircuitProcessing(currentIndex, processedRecords);
            }
            const result = this.#processor.shouldSkipCurrentGroup(this.options)
                ? this.#processFailRecord(record, new SqsFifoMessageGroupShortCircuitError())
                : await this.processRecord(record);
            processedRecords.push(result);
            currentIndex++;
        }
        this.clean();
        return processedRecords;
    }
    /**
     * Starting from the first failure index, fail all remaining messages regardless
     * of their group ID.
     *
     * This short circuit mechanism is used when we detect a failed message in the batch.
     *
     * Since messages in a FIFO queue are processed in order, we must stop processing any
     * remaining messages in the batch to prevent out-of-order processing.
     *
     * @param firstFailureIndex Index of first message that failed
     * @param processedRecords Array of response items that have been processed both successfully and unsuccessfully
     */
    shortCircuitProcessing(firstFailureIndex, processedRecords) {
        const remainingRecords = this.records.slice(firstFailureIndex);
        for (const record of remainingRecords) {
            this.#processFailRecord(record, new SqsFifoShortCircuitError());
        }
        this.clean();
        return processedRecords;
    }
    /**
     * Processes a fail record.
     *
     * @param record - The record that failed.
     * @param exception - The error that occurred.
     */
    #processFailRecord(record, exception) {
        const data = this.toBatchType(record, this.eventType);
        return this.failureHandler(data, exception);
    }
}


;// CONCATENATED MODULE: ./node_modules/@aws-lambda-powertools/batch/lib/esm/index.js











/***/ })

};
