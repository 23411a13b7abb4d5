// AWS Node Termination Handler in queue-processor mode: drains nodes on the EC2 and Auto Scaling
// events that EventBridge delivers to an SQS queue, and completes their lifecycle hooks. (IMDS
// mode needs no IAM role.)
// Source: https://github.com/aws/aws-node-termination-handler#queue-processor (v1.25)
//
// The published policy grants everything on "*"; here the queue actions name the queue, and
// autoscaling:CompleteLifecycleAction is limited to Auto Scaling groups in the role's account
// that carry NTH's managed tag (managedTag, the chart's managedTag / checkTagBeforeDraining;
// null drops the condition) and, given autoScalingGroups, to those groups. The Describe* reads
// have no resource in IAM. A queue name is looked up in region, by default in the region of each
// cluster the role serves (a role shared by clusters in two regions reads the queue of that name
// in both).
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(queue, autoScalingGroups=null, managedTag='aws-node-termination-handler/managed', region=null)
  local p = ctx.partition;
  local regions = if region == null then ctx.regions else [region];
  local groups = irsa.optionalList(autoScalingGroups);
  local group(name) = irsa.arn(p, 'autoscaling', '*', ctx.accountId, 'autoScalingGroup:*:autoScalingGroupName/' + name);
  irsa.document([
    irsa.allow(['sqs:DeleteMessage', 'sqs:ReceiveMessage'],
               if std.startsWith(queue, 'arn:') then queue else [irsa.arn(p, 'sqs', r, ctx.accountId, queue) for r in regions]),
    irsa.allow(['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeTags', 'ec2:DescribeInstances'], '*'),
    irsa.allow('autoscaling:CompleteLifecycleAction',
               if std.length(groups) == 0 then group('*') else [group(name) for name in groups],
               if managedTag == null then null else { Null: { ['aws:ResourceTag/' + managedTag]: 'false' } }),
  ])
