export const id = 876;
export const ids = [876];
export const modules = {

/***/ 3876:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   describeKeyArn: () => (/* binding */ describeKeyArn)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_kms__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2632);
// KMS lookups the remediator needs to compare a baseline's key with the key ARN CloudTrail reports.

/**
 * The key ARN behind a key id, key ARN, alias name or alias ARN (KMS API reference, DescribeKey:
 * a key of another account only by key ARN or alias ARN). Needs `kms:DescribeKey` on the key,
 * granted to the caller by the key policy when the key is in another account.
 * Throws the SDK's error (NotFoundException, AccessDeniedException...) unchanged.
 */
async function describeKeyArn(client, keyId) {
    const out = await client.send(new _aws_sdk_client_kms__WEBPACK_IMPORTED_MODULE_0__/* .DescribeKeyCommand */ .spV({ KeyId: keyId }));
    const arn = out.KeyMetadata?.Arn;
    if (!arn)
        throw Object.assign(new Error(`DescribeKey returned no key ARN for ${keyId}`), { name: 'NotFoundException' });
    return arn;
}


/***/ })

};
