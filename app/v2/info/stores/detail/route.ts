export { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } from '../route';
export const dynamic = 'force-dynamic';
