// The version TrailGuard reports in its AWS user agent; a unit test keeps it equal to package.json.
export const VERSION = '0.1.0';
export const USER_AGENT = `trailguard/${VERSION}`;
