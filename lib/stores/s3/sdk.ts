// Everything of the S3 driver that runs AWS SDK code, in one module that
// s3.ts loads on first use: a process whose stores are all file stores never
// loads the SDK (about 20 MiB of RSS for its code and heap).
export { CreateBucketCommand, DeleteObjectCommand, HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
export { createClient } from './client';
export { copyRange } from './download';
export { abortMultipartUploads, ObjectUpload } from './upload';
