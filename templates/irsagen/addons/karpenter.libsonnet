// Karpenter controller: launches and terminates EC2 instances for a cluster's NodePools.
// Source: https://karpenter.sh/docs/reference/cloudformation/ (v1.6; the five controller
// policies of getting-started-with-karpenter/cloudformation.yaml, in one document)
//
// As published, scoped to one cluster by the tags Karpenter puts on what it creates
// (kubernetes.io/cluster/<cluster>: owned, eks:eks-cluster-name, karpenter.sh/nodepool), and
// iam:PassRole limited to the node role, for EC2 only. Region-bound ARNs and the
// aws:RequestedRegion condition use region, which defaults to the region of the cluster Karpenter
// runs in (not the region of the role's account); what Karpenter creates is further limited to the
// role's account. The published statement ids are left out to keep the document well inside
// IAM's 6,144-character quota (cluster names repeat in many condition keys). The interruption queue statement is left out unless
// interruptionQueue is given (settings.interruptionQueue). Left on "*" as published, because IAM
// has no resource for them: the EC2 Describe* reads (region-conditioned), pricing:GetProducts and
// iam:ListInstanceProfiles.
//
// Karpenter runs in one cluster, so the role serves one: clusterName defaults to the role's
// cluster and is required when the role serves several (or use perCluster roles).
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(nodeRole, clusterName=null, interruptionQueue=null, region=null)
  local p = ctx.partition;
  local account = ctx.accountId;
  local cluster =
    if clusterName != null then clusterName
    else if std.length(ctx.clusters) == 1 then ctx.clusters[0]
    else error 'karpenter: the role serves clusters %s; set clusterName to the one Karpenter runs in, or give the ServiceAccount perCluster: true' % std.join(', ', ctx.clusters);
  local r =
    if region != null then region
    else if std.objectHas(ctx.clusterRegions, cluster) then ctx.clusterRegions[cluster]
    else if std.length(ctx.regions) == 1 then ctx.regions[0]
    else error 'karpenter: cluster %s is not one of the role\'s clusters, which run in %s; set region to the region of cluster %s' % [cluster, std.join(', ', ctx.regions), cluster];
  // What Karpenter launches is in the role's account; subnets, security groups and capacity
  // reservations may be shared from another.
  local ec2(resource, owner=account) = irsa.arn(p, 'ec2', r, owner, resource);
  local iamProfiles = irsa.arn(p, 'iam', '', account, 'instance-profile/*');
  local owned(kind) = { ['aws:' + kind + 'Tag/kubernetes.io/cluster/' + cluster]: 'owned' };
  local named = { 'aws:RequestTag/eks:eks-cluster-name': cluster };
  local nodepool(kind) = { StringLike: { ['aws:' + kind + 'Tag/karpenter.sh/nodepool']: '*' } };
  local nodeclass(kind) = { ['aws:' + kind + 'Tag/karpenter.k8s.aws/ec2nodeclass']: '*' };
  local regionTag(kind) = { ['aws:' + kind + 'Tag/topology.kubernetes.io/region']: r };
  local launched = [
    ec2('fleet/*'),
    ec2('instance/*'),
    ec2('volume/*'),
    ec2('network-interface/*'),
    ec2('launch-template/*'),
    ec2('spot-instances-request/*'),
  ];

  irsa.document([
    // NodeLifecyclePolicy
    irsa.allow(['ec2:RunInstances', 'ec2:CreateFleet'], [
      irsa.arn(p, 'ec2', r, '', 'image/*'),
      irsa.arn(p, 'ec2', r, '', 'snapshot/*'),
      ec2('security-group/*', '*'),
      ec2('subnet/*', '*'),
      ec2('capacity-reservation/*', '*'),
    ]),
    irsa.allow(['ec2:RunInstances', 'ec2:CreateFleet'],
               ec2('launch-template/*'),
               { StringEquals: owned('Resource') } + nodepool('Resource')),
    irsa.allow(['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
               launched,
               { StringEquals: owned('Request') + named } + nodepool('Request')),
    irsa.allow('ec2:CreateTags', launched, {
      StringEquals: owned('Request') + named + {
        'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'],
      },
    } + nodepool('Request')),
    irsa.allow('ec2:CreateTags', ec2('instance/*'), {
      StringEquals: owned('Resource'),
      StringEqualsIfExists: named,
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
    } + nodepool('Resource')),
    irsa.allow(['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
               [ec2('instance/*'), ec2('launch-template/*')],
               { StringEquals: owned('Resource') } + nodepool('Resource')),

    // IAMIntegrationPolicy
    irsa.allow('iam:PassRole',
               irsa.roleArn(p, account, nodeRole),
               { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } }),
    irsa.allow('iam:CreateInstanceProfile', iamProfiles, {
      StringEquals: owned('Request') + named + regionTag('Request'),
      StringLike: nodeclass('Request'),
    }),
    irsa.allow('iam:TagInstanceProfile', iamProfiles, {
      StringEquals: owned('Resource') + regionTag('Resource') + owned('Request') + named + regionTag('Request'),
      StringLike: nodeclass('Resource') + nodeclass('Request'),
    }),
    irsa.allow(['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'], iamProfiles, {
      StringEquals: owned('Resource') + regionTag('Resource'),
      StringLike: nodeclass('Resource'),
    }),

    // EKSIntegrationPolicy
    irsa.allow('eks:DescribeCluster', irsa.arn(p, 'eks', r, account, 'cluster/' + cluster)),
  ] + (
    // InterruptionPolicy
    if interruptionQueue == null then []
    else [irsa.allow(['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
                     if std.startsWith(interruptionQueue, 'arn:') then interruptionQueue
                     else irsa.arn(p, 'sqs', r, account, interruptionQueue))]
  ) + [
    // ResourceDiscoveryPolicy
    irsa.allow([
      'ec2:DescribeCapacityReservations',
      'ec2:DescribeImages',
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceTypeOfferings',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeLaunchTemplates',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSpotPriceHistory',
      'ec2:DescribeSubnets',
    ], '*', { StringEquals: { 'aws:RequestedRegion': r } }),
    irsa.allow('ssm:GetParameter', irsa.arn(p, 'ssm', r, '', 'parameter/aws/service/*')),
    irsa.allow(['pricing:GetProducts', 'iam:ListInstanceProfiles'], '*'),
    irsa.allow('iam:GetInstanceProfile', iamProfiles),
  ])
