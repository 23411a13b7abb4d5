// Mountpoint for Amazon S3 CSI driver: mounts S3 buckets as volumes.
// Source: https://docs.aws.amazon.com/eks/latest/userguide/s3-csi-create.html (v2.x)
// Directory buckets and KMS: https://github.com/awslabs/mountpoint-s3/blob/main/doc/CONFIGURATION.md#iam-permissions
//
// The published policy names the buckets; so does this one (bucket names, optionally
// bucket/prefix to limit object access to a prefix). readOnly drops the write actions and, for
// directory buckets, asks S3 Express for read-only sessions. kmsKeyArns adds what SSE-KMS
// encrypted buckets need: kms:Decrypt to read, and kms:GenerateDataKey to write.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(buckets=null, directoryBuckets=null, readOnly=false, kmsKeyArns=null)
  local p = ctx.partition;
  local split(b) =
    local parts = std.splitLimit(b, '/', 1);
    irsa.s3Arns(p, parts[0], if std.length(parts) > 1 then parts[1] else '');
  local general = [split(b) for b in irsa.optionalList(buckets)];
  local directory = irsa.optionalList(directoryBuckets);
  local keys = irsa.optionalList(kmsKeyArns);
  assert std.length(general) + std.length(directory) > 0 : 'name at least one bucket in buckets or directoryBuckets';
  assert std.isBoolean(readOnly) : 'readOnly must be true or false';
  irsa.document(
    (if std.length(general) == 0 then [] else [
       irsa.allow('s3:ListBucket', std.set([b.bucket for b in general]), sid='MountpointFullBucketAccess'),
       irsa.allow(['s3:GetObject'] + (if readOnly then [] else ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject']),
                  std.set([b.objects for b in general]),
                  sid='MountpointFullObjectAccess'),
     ])
    + (if std.length(directory) == 0 then [] else [
         irsa.allow('s3express:CreateSession',
                    [irsa.arn(p, 's3express', '*', ctx.accountId, 'bucket/' + b) for b in directory],
                    if readOnly then { StringEquals: { 's3express:SessionMode': 'ReadOnly' } } else null,
                    sid='MountpointDirectoryBucketAccess'),
       ])
    + (if std.length(keys) == 0 then [] else [
         irsa.allow(['kms:Decrypt'] + (if readOnly then [] else ['kms:GenerateDataKey']), keys, sid='MountpointKMSAccess'),
       ])
  )
