/** The administration lives in ./admin/ (one file per screen); the shell imports it from here. */
export { AdminPage } from './admin/admin-layout';
