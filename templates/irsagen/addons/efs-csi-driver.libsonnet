// Amazon EFS CSI driver (controller): creates and deletes EFS access points for dynamically
// provisioned PersistentVolumes.
// Source: https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/iam-policy-example.json (v2.1)
//
// The published policy, with ARNs in the role's account. Given fileSystemIds, access points can
// be created only in those file systems; the driver may delete only access points it tagged
// efs.csi.aws.com/cluster (access point ARNs do not name their file system, so deletion cannot be
// limited further). elasticfilesystem:TagResource, which tagging on creation needs, is limited to
// resources carrying that tag, as in AmazonEFSCSIDriverPolicy. The Describe* reads stay on "*".
//
// This is the controller's policy; the node DaemonSet needs no AWS permissions unless volumes
// mount with the iam option.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(fileSystemIds=null)
  local efs(resource) = irsa.arn(ctx.partition, 'elasticfilesystem', '*', ctx.accountId, resource);
  local ids = irsa.optionalList(fileSystemIds);
  local tag = 'efs.csi.aws.com/cluster';
  irsa.document([
    irsa.allow([
      'elasticfilesystem:DescribeAccessPoints',
      'elasticfilesystem:DescribeFileSystems',
      'elasticfilesystem:DescribeMountTargets',
      'ec2:DescribeAvailabilityZones',
    ], '*'),
    irsa.allow('elasticfilesystem:CreateAccessPoint',
               if std.length(ids) == 0 then efs('file-system/*') else [efs('file-system/' + id) for id in ids],
               { StringLike: { ['aws:RequestTag/' + tag]: 'true' } }),
    irsa.allow('elasticfilesystem:TagResource',
               efs('access-point/*'),
               { StringLike: { ['aws:ResourceTag/' + tag]: 'true' } }),
    irsa.allow('elasticfilesystem:DeleteAccessPoint',
               efs('access-point/*'),
               { StringEquals: { ['aws:ResourceTag/' + tag]: 'true' } }),
  ])
