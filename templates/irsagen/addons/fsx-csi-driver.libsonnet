// Amazon FSx for Lustre CSI driver (controller): creates, resizes and deletes FSx for Lustre
// file systems for dynamically provisioned PersistentVolumes.
// Source: https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/master/docs/install.md (v1.x)
// Resource scoping: https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-tags-fsx.html
//
// The published instance-profile policy (the install guide's alternative to the broad
// AmazonFSxFullAccess), narrowed: FSx actions act on file systems of the role's account, and
// the driver may delete only file systems it tagged CSIVolumeName, which it sets on every file
// system it creates. fsx:TagResource cannot be narrowed the same way without breaking creation,
// so a compromised driver could tag a file system and then delete it; the condition guards
// against mistakes, not against that. The service-linked role and S3 permissions for data
// repositories (s3ImportPath/s3ExportPath) are granted only for the buckets in s3Buckets.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(s3Buckets=null)
  local p = ctx.partition;
  local buckets = irsa.optionalList(s3Buckets);
  local fileSystems = irsa.arn(p, 'fsx', '*', ctx.accountId, 'file-system/*');
  irsa.document([
    irsa.allow('iam:CreateServiceLinkedRole',
               '*',
               { StringLike: { 'iam:AWSServiceName': ['fsx.amazonaws.com'] } }),
    irsa.allow('fsx:DescribeFileSystems', '*'),
    irsa.allow(['fsx:CreateFileSystem', 'fsx:TagResource', 'fsx:UpdateFileSystem'], fileSystems),
    irsa.allow('fsx:DeleteFileSystem', fileSystems, { Null: { 'aws:ResourceTag/CSIVolumeName': 'false' } }),
  ] + (
    if std.length(buckets) == 0 then []
    else [
      irsa.allow(['iam:CreateServiceLinkedRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
                 irsa.arn(p, 'iam', '', ctx.accountId, 'role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*')),
      irsa.allow('s3:ListBucket', [irsa.s3Arns(p, bucket).bucket for bucket in buckets]),
    ]
  ))
