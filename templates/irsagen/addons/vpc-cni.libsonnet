// Amazon VPC CNI plugin (aws-node): attaches network interfaces and assigns pod IP addresses.
// Source: https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/iam-policy.md (v1.20)
// IPv6: https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html#cni-iam-role-create-ipv6-policy
//
// ipv6 selects the policy of the cluster's IP family: IPv4 (AmazonEKS_CNI_Policy) or IPv6, both
// with the network interface ARNs in the role's account. Given vpcIds, the IPv4 policy is the
// published "scope-down per EKS cluster" one: interfaces may be created only in those VPCs and
// tagged cluster.k8s.amazonaws.com/name with one of the clusters, and only such interfaces, and
// only the clusters' instances (kubernetes.io/cluster/<cluster>: owned), may be changed. It needs
// CLUSTER_NAME set on the aws-node DaemonSet (VPC CNI v1.8.0 or later). IAM has no resource for
// the Describe* reads, and the IPv6 actions are published without a scoped-down variant.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(ipv6=false, vpcIds=null, clusterNames=null)
  local p = ctx.partition;
  // Interfaces and instances are the role account's; the VPC, its subnets and security groups
  // may be shared from another account (VPC sharing), as the published policy allows.
  local ec2(resource, owner=ctx.accountId) = irsa.arn(p, 'ec2', '*', owner, resource);
  local interfaces = ec2('network-interface/*');
  local vpcs = irsa.optionalList(vpcIds);
  local clusters = irsa.list(if clusterNames == null then ctx.clusters else clusterNames);
  assert std.isBoolean(ipv6) : 'ipv6 must be true or false';
  assert !(ipv6 && std.length(vpcs) > 0) : 'vpcIds scopes the IPv4 policy; the IPv6 policy has no published scoped-down variant';
  local tagInterfaces = irsa.allow('ec2:CreateTags', interfaces);

  local ipv4 = [
    irsa.allow([
      'ec2:AssignPrivateIpAddresses',
      'ec2:AttachNetworkInterface',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeInstances',
      'ec2:DescribeTags',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DetachNetworkInterface',
      'ec2:ModifyNetworkInterfaceAttribute',
      'ec2:UnassignPrivateIpAddresses',
    ], '*'),
    tagInterfaces,
  ];

  local ipv6Policy = [
    irsa.allow([
      'ec2:AssignIpv6Addresses',
      'ec2:DescribeInstances',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeTags',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeInstanceTypes',
      'ec2:ModifyNetworkInterfaceAttribute',
    ], '*'),
    tagInterfaces,
  ];

  local clusterTag = 'cluster.k8s.amazonaws.com/name';
  local scopedIpv4 = [
    irsa.allow([
      'ec2:DescribeInstances',
      'ec2:DescribeTags',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DescribeInstanceTypes',
    ], '*'),
    tagInterfaces,
    irsa.allow('ec2:CreateNetworkInterface',
               interfaces,
               { StringEquals: { ['aws:RequestTag/' + clusterTag]: clusters } }),
    irsa.allow('ec2:CreateNetworkInterface',
               [ec2('subnet/*', '*'), ec2('security-group/*', '*')],
               { ArnEquals: { 'ec2:Vpc': [ec2('vpc/' + id, '*') for id in vpcs] } }),
    irsa.allow([
      'ec2:DeleteNetworkInterface',
      'ec2:UnassignPrivateIpAddresses',
      'ec2:AssignPrivateIpAddresses',
      'ec2:AttachNetworkInterface',
      'ec2:DetachNetworkInterface',
      'ec2:ModifyNetworkInterfaceAttribute',
    ], interfaces, { StringEquals: { ['aws:ResourceTag/' + clusterTag]: clusters } }),
  ] + [
    irsa.allow(['ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface', 'ec2:ModifyNetworkInterfaceAttribute'],
               ec2('instance/*'),
               { StringEquals: { ['aws:ResourceTag/kubernetes.io/cluster/' + cluster]: 'owned' } })
    for cluster in clusters
  ] + [
    irsa.allow('ec2:ModifyNetworkInterfaceAttribute', ec2('security-group/*', '*')),
  ];

  irsa.document(if ipv6 then ipv6Policy else if std.length(vpcs) > 0 then scopedIpv4 else ipv4)
