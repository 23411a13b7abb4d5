// Velero with velero-plugin-for-aws: stores backups in an S3 bucket and snapshots EBS volumes.
// Source: https://github.com/vmware-tanzu/velero-plugin-for-aws#set-permissions-for-velero (v1.12)
//
// The published policy, which already names the bucket; prefix (the BackupStorageLocation's
// prefix) further limits object access. The EBS statements, for the volume snapshotter, are
// dropped with volumeSnapshots: false (file system backups and CSI snapshots need none of them);
// their resources are the role account's volumes and any snapshot. The published policy does not
// scope snapshot deletion by tag, and neither does this one: a backup's snapshots carry only the
// tags of their volume plus Velero's, and deleting a backup must delete them. kmsKeyArns adds
// what an SSE-KMS bucket (the location's kmsKeyId) needs.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(bucket, prefix='', volumeSnapshots=true, kmsKeyArns=null)
  local p = ctx.partition;
  local s3 = irsa.s3Arns(p, bucket, prefix);
  local keys = irsa.optionalList(kmsKeyArns);
  assert std.isBoolean(volumeSnapshots) : 'volumeSnapshots must be true or false';
  irsa.document(
    (if !volumeSnapshots then [] else [
       irsa.allow(['ec2:DescribeVolumes', 'ec2:DescribeSnapshots'], '*'),
       irsa.allow(['ec2:CreateTags', 'ec2:CreateVolume', 'ec2:CreateSnapshot', 'ec2:DeleteSnapshot'], [
         irsa.arn(p, 'ec2', '*', ctx.accountId, 'volume/*'),
         irsa.arn(p, 'ec2', '*', '', 'snapshot/*'),
       ]),
     ])
    + [
      irsa.allow([
        's3:GetObject',
        's3:DeleteObject',
        's3:PutObject',
        's3:PutObjectTagging',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ], s3.objects),
      irsa.allow('s3:ListBucket', s3.bucket),
    ]
    + (if std.length(keys) == 0 then [] else [
         irsa.allow(['kms:Decrypt', 'kms:GenerateDataKey'], keys),
       ])
  )
