// Amazon CloudWatch Observability (the amazon-cloudwatch-observability EKS add-on or Helm chart:
// CloudWatch agent and Fluent Bit): Container Insights metrics and logs, and Application Signals.
// Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Observability-EKS-addon.html
// (v4.x; the CloudWatchAgentServerPolicy and AWSXrayWriteOnlyAccess managed policies it attaches)
//
// The managed policies write to any log group; this one limits the log actions to the groups
// the add-on writes, /aws/containerinsights/<cluster>/ for each of the role's clusters (and
// /aws/application-signals/ with applicationSignals), and the agent's SSM configuration to
// AmazonCloudWatch-* parameters in the role's account. cloudwatch:PutMetricData, the EC2 reads
// and the X-Ray actions have no resource in IAM. applicationSignals: false drops X-Ray and the
// Application Signals log group.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(clusterNames=null, applicationSignals=true)
  local p = ctx.partition;
  local clusters = irsa.list(if clusterNames == null then ctx.clusters else clusterNames);
  assert std.length(clusters) > 0 : 'clusterNames must name at least one cluster';
  assert std.isBoolean(applicationSignals) : 'applicationSignals must be true or false';
  local logGroup(prefix) = irsa.arn(p, 'logs', '*', ctx.accountId, 'log-group:' + prefix + '*');
  irsa.document([
    irsa.allow(['cloudwatch:PutMetricData', 'ec2:DescribeVolumes', 'ec2:DescribeTags', 'logs:DescribeLogGroups'],
               '*',
               sid='CWACloudWatchServerPermissions'),
    irsa.allow([
                 'logs:CreateLogGroup',
                 'logs:CreateLogStream',
                 'logs:DescribeLogStreams',
                 'logs:PutLogEvents',
                 'logs:PutRetentionPolicy',
               ],
               [logGroup('/aws/containerinsights/' + cluster + '/') for cluster in clusters]
               + (if applicationSignals then [logGroup('/aws/application-signals/')] else []),
               sid='CWALogGroups'),
    irsa.allow('ssm:GetParameter',
               irsa.arn(p, 'ssm', '*', ctx.accountId, 'parameter/AmazonCloudWatch-*'),
               sid='CWASSMServerPermissions'),
  ] + (if !applicationSignals then [] else [
         irsa.allow([
           'xray:PutTraceSegments',
           'xray:PutTelemetryRecords',
           'xray:GetSamplingRules',
           'xray:GetSamplingTargets',
           'xray:GetSamplingStatisticSummaries',
         ], '*', sid='XRayWrite'),
       ]))
