// Cluster Autoscaler: scales the Auto Scaling groups of a cluster's node groups.
// Source: https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md#iam-policy (v1.32)
//
// The README's "full features" policy (auto-discovery, dynamic instance list), with the scaling
// actions restricted as it recommends: by default to Auto Scaling groups tagged
// k8s.io/cluster-autoscaler/<cluster> (the tag auto-discovery looks for; any value), one
// statement per cluster because the cluster is part of the tag key; or, given
// autoScalingGroups, to those groups by name (the README's minimal policy, for --nodes).
// eks:DescribeNodegroup is limited to the clusters' node groups. The reads stay on "*": IAM has
// no resource for them.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(clusterNames=null, autoScalingGroups=null)
  local p = ctx.partition;
  local clusters = irsa.list(if clusterNames == null then ctx.clusters else clusterNames);
  assert std.length(clusters) > 0 : 'clusterNames must name at least one cluster';
  local groups = irsa.optionalList(autoScalingGroups);
  local group(name) = irsa.arn(p, 'autoscaling', '*', ctx.accountId, 'autoScalingGroup:*:autoScalingGroupName/' + name);
  local scale = ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'];

  irsa.document([
    irsa.allow([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:DescribeLaunchConfigurations',
      'autoscaling:DescribeScalingActivities',
      'autoscaling:DescribeTags',
      'ec2:DescribeImages',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeLaunchTemplateVersions',
      'ec2:GetInstanceTypesFromInstanceRequirements',
    ], '*'),
    irsa.allow('eks:DescribeNodegroup', [
      irsa.arn(p, 'eks', '*', ctx.accountId, 'nodegroup/' + cluster + '/*/*')
      for cluster in clusters
    ]),
  ] + (
    if std.length(groups) > 0 then [irsa.allow(scale, [group(name) for name in groups])]
    else [
      irsa.allow(scale, group('*'), { Null: { ['aws:ResourceTag/k8s.io/cluster-autoscaler/' + cluster]: 'false' } })
      for cluster in clusters
    ]
  ))
