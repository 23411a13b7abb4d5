// AWS Load Balancer Controller: creates and manages ELBv2 load balancers, target groups and their
// security groups for Ingresses and Services.
// Source: https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json (v2.14)
//
// Follows the published policy statement for statement, with two narrowings. Where it checks
// only that the controller's tag elbv2.k8s.aws/cluster exists (Null: false), this one requires its
// value, which the controller sets to its --cluster-name, to be one of this role's clusters; so a
// controller cannot modify or delete another cluster's load balancers. And ARNs name the role's
// account rather than any account.
//
// Left as published because the controller needs them on resources it did not create and so
// cannot recognise by tag: the Describe* reads; ec2:AuthorizeSecurityGroupIngress and
// RevokeSecurityGroupIngress (it opens node and user-supplied security groups to the load
// balancer); ec2:CreateSecurityGroup; listener and rule changes, WAF, Shield and certificate
// association on listeners; RegisterTargets on any target group (TargetGroupBinding accepts
// target groups created outside the cluster).
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(clusterNames=null)
  local p = ctx.partition;
  local clusters = irsa.list(if clusterNames == null then ctx.clusters else clusterNames);
  assert std.length(clusters) > 0 : 'clusterNames must name at least one cluster';
  local tag = 'elbv2.k8s.aws/cluster';
  local ec2(resource) = irsa.arn(p, 'ec2', '*', ctx.accountId, resource);
  local elb(resource) = irsa.arn(p, 'elasticloadbalancing', '*', ctx.accountId, resource);
  local securityGroups = ec2('security-group/*');
  local balancers = [elb('targetgroup/*/*'), elb('loadbalancer/net/*/*'), elb('loadbalancer/app/*/*')];
  local tagged(kind) = { ['aws:' + kind + 'Tag/' + tag]: clusters };
  local untouchedTag = { Null: { ['aws:RequestTag/' + tag]: 'true' } };

  irsa.document([
    irsa.allow('iam:CreateServiceLinkedRole',
               '*',
               { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } }),
    irsa.allow([
      'ec2:DescribeAccountAttributes',
      'ec2:DescribeAddresses',
      'ec2:DescribeAvailabilityZones',
      'ec2:DescribeInternetGateways',
      'ec2:DescribeVpcs',
      'ec2:DescribeVpcPeeringConnections',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeInstances',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeTags',
      'ec2:GetCoipPoolUsage',
      'ec2:DescribeCoipPools',
      'ec2:GetSecurityGroupsForVpc',
      'ec2:DescribeIpamPools',
      'ec2:DescribeRouteTables',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeLoadBalancerAttributes',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeListenerCertificates',
      'elasticloadbalancing:DescribeSSLPolicies',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetGroupAttributes',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:DescribeTags',
      'elasticloadbalancing:DescribeTrustStores',
      'elasticloadbalancing:DescribeListenerAttributes',
      'elasticloadbalancing:DescribeCapacityReservation',
    ], '*'),
    irsa.allow([
      'cognito-idp:DescribeUserPoolClient',
      'acm:ListCertificates',
      'acm:DescribeCertificate',
      'iam:ListServerCertificates',
      'iam:GetServerCertificate',
      'waf-regional:GetWebACL',
      'waf-regional:GetWebACLForResource',
      'waf-regional:AssociateWebACL',
      'waf-regional:DisassociateWebACL',
      'wafv2:GetWebACL',
      'wafv2:GetWebACLForResource',
      'wafv2:AssociateWebACL',
      'wafv2:DisassociateWebACL',
      'shield:GetSubscriptionState',
      'shield:DescribeProtection',
      'shield:CreateProtection',
      'shield:DeleteProtection',
    ], '*'),
    irsa.allow(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:CreateSecurityGroup'], '*'),
    irsa.allow('ec2:CreateTags',
               securityGroups,
               { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' } + tagged('Request') }),
    irsa.allow(['ec2:CreateTags', 'ec2:DeleteTags'],
               securityGroups,
               untouchedTag { StringEquals: tagged('Resource') }),
    // The published policy repeats Authorize/RevokeSecurityGroupIngress here; the unconditional
    // grant above already covers them.
    irsa.allow('ec2:DeleteSecurityGroup', securityGroups, { StringEquals: tagged('Resource') }),
    irsa.allow(['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
               '*',
               { StringEquals: tagged('Request') }),
    irsa.allow([
      'elasticloadbalancing:CreateListener',
      'elasticloadbalancing:DeleteListener',
      'elasticloadbalancing:CreateRule',
      'elasticloadbalancing:DeleteRule',
    ], '*'),
    irsa.allow(['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
               balancers,
               untouchedTag { StringEquals: tagged('Resource') }),
    irsa.allow(['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], [
      elb('listener/net/*/*/*'),
      elb('listener/app/*/*/*'),
      elb('listener-rule/net/*/*/*'),
      elb('listener-rule/app/*/*/*'),
    ]),
    irsa.allow([
      'elasticloadbalancing:ModifyLoadBalancerAttributes',
      'elasticloadbalancing:SetIpAddressType',
      'elasticloadbalancing:SetSecurityGroups',
      'elasticloadbalancing:SetSubnets',
      'elasticloadbalancing:DeleteLoadBalancer',
      'elasticloadbalancing:ModifyTargetGroup',
      'elasticloadbalancing:ModifyTargetGroupAttributes',
      'elasticloadbalancing:DeleteTargetGroup',
      'elasticloadbalancing:ModifyListenerAttributes',
      'elasticloadbalancing:ModifyCapacityReservation',
      'elasticloadbalancing:ModifyIpPools',
    ], '*', { StringEquals: tagged('Resource') }),
    irsa.allow('elasticloadbalancing:AddTags', balancers, {
      StringEquals: {
        'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'],
      } + tagged('Request'),
    }),
    irsa.allow(['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
               elb('targetgroup/*/*')),
    irsa.allow([
      'elasticloadbalancing:SetWebAcl',
      'elasticloadbalancing:ModifyListener',
      'elasticloadbalancing:AddListenerCertificates',
      'elasticloadbalancing:RemoveListenerCertificates',
      'elasticloadbalancing:ModifyRule',
      'elasticloadbalancing:SetRulePriorities',
    ], '*'),
  ])
