// Amazon EBS CSI driver (controller): creates, attaches, resizes, snapshots and deletes EBS
// volumes for PersistentVolumes.
// Source: https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/example-iam-policy.json (v1.51)
// KMS: https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html (customer managed keys)
// Cluster scoping: docs/example-iam-policy-strict.json of the same repository.
//
// By default the published policy, with volume and instance ARNs in the role's account: the
// driver may delete only volumes and snapshots it tagged (ebs.csi.aws.com/cluster, CSIVolumeName,
// CSIVolumeSnapshotName), but those tags do not say which cluster. Given k8sTagClusterId (the
// driver's controller.k8sTagClusterId, which makes it tag what it creates with
// kubernetes.io/cluster/<id>: owned), creation and deletion instead require that cluster's tag,
// as the strict example does: a driver can then neither create untagged volumes nor delete
// another cluster's. Volumes created before the driver was given the cluster id lack the tag
// and cannot be deleted by it.
//
// kmsKeyArns adds the grants EBS needs to encrypt volumes with customer managed keys.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(kmsKeyArns=null, k8sTagClusterId=null)
  local p = ctx.partition;
  local volumes = irsa.arn(p, 'ec2', '*', ctx.accountId, 'volume/*');
  local snapshots = irsa.arn(p, 'ec2', '*', '', 'snapshot/*');
  local keys = irsa.optionalList(kmsKeyArns);
  local clusterIds = irsa.optionalList(k8sTagClusterId);
  local like(key, value) = { StringLike: { [key]: value } };

  local managedByTag = [
    irsa.allow(['ec2:CreateVolume', 'ec2:CopyVolumes'], volumes, like('aws:RequestTag/ebs.csi.aws.com/cluster', 'true')),
    irsa.allow(['ec2:CreateVolume', 'ec2:CopyVolumes'], volumes, like('aws:RequestTag/CSIVolumeName', '*')),
    irsa.allow('ec2:DeleteVolume', volumes, like('ec2:ResourceTag/ebs.csi.aws.com/cluster', 'true')),
    irsa.allow('ec2:DeleteVolume', volumes, like('ec2:ResourceTag/CSIVolumeName', '*')),
    irsa.allow('ec2:DeleteVolume', volumes, like('ec2:ResourceTag/kubernetes.io/created-for/pvc/name', '*')),
    irsa.allow('ec2:CreateSnapshot', snapshots, like('aws:RequestTag/CSIVolumeSnapshotName', '*')),
    irsa.allow('ec2:CreateSnapshot', snapshots, like('aws:RequestTag/ebs.csi.aws.com/cluster', 'true')),
    irsa.allow('ec2:DeleteSnapshot', snapshots, like('ec2:ResourceTag/CSIVolumeSnapshotName', '*')),
    irsa.allow('ec2:DeleteSnapshot', snapshots, like('ec2:ResourceTag/ebs.csi.aws.com/cluster', 'true')),
  ];
  local ownedByCluster = std.flattenArrays([
    [
      irsa.allow(['ec2:CreateVolume', 'ec2:CopyVolumes', 'ec2:CreateSnapshot'],
                 [volumes, snapshots],
                 { StringEquals: { ['aws:RequestTag/kubernetes.io/cluster/' + id]: 'owned' } }),
      irsa.allow(['ec2:DeleteVolume', 'ec2:DeleteSnapshot'],
                 [volumes, snapshots],
                 { StringEquals: { ['ec2:ResourceTag/kubernetes.io/cluster/' + id]: 'owned' } }),
    ]
    for id in clusterIds
  ]);

  irsa.document([
    irsa.allow([
      'ec2:DescribeAvailabilityZones',
      'ec2:DescribeInstances',
      'ec2:DescribeSnapshots',
      'ec2:DescribeTags',
      'ec2:DescribeVolumes',
      'ec2:DescribeVolumesModifications',
      'ec2:DescribeVolumeStatus',
    ], '*'),
    irsa.allow(['ec2:CreateSnapshot', 'ec2:ModifyVolume'], volumes),
    // The source of a copy may be a volume shared from another account.
    irsa.allow('ec2:CopyVolumes', irsa.arn(p, 'ec2', '*', '*', 'volume/vol-*')),
    irsa.allow(['ec2:AttachVolume', 'ec2:DetachVolume'], [volumes, irsa.arn(p, 'ec2', '*', ctx.accountId, 'instance/*')]),
    irsa.allow(['ec2:CreateVolume', 'ec2:EnableFastSnapshotRestores'], snapshots),
    irsa.allow('ec2:CreateTags',
               [volumes, snapshots],
               { StringEquals: { 'ec2:CreateAction': ['CreateVolume', 'CreateSnapshot', 'CopyVolumes'] } }),
    irsa.allow('ec2:DeleteTags', [volumes, snapshots]),
  ] + (if std.length(clusterIds) > 0 then ownedByCluster else managedByTag) + (
    if std.length(keys) == 0 then []
    else [
      irsa.allow(['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
                 keys,
                 { Bool: { 'kms:GrantIsForAWSResource': 'true' } }),
      irsa.allow(['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], keys),
    ]
  ))
