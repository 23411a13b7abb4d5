// Amazon Managed Service for Prometheus: remote-writes metrics to a workspace (Prometheus server,
// Prometheus Agent, ADOT collector) and, with query, reads them back (Grafana, KEDA, Kiali).
// Source: https://docs.aws.amazon.com/prometheus/latest/userguide/set-up-irsa.html
// (managed policies of 2025: AmazonPrometheusRemoteWriteAccess, AmazonPrometheusQueryAccess)
//
// The managed policies allow every workspace ("*"); this one names them. workspaces are ids
// (ws-...) in region (default: the region of each cluster the role serves) or workspace ARNs.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(workspaces, remoteWrite=true, query=false, region=null)
  local regions = if region == null then ctx.regions else [region];
  local arns = std.flattenArrays([
    if std.startsWith(w, 'arn:') then [w] else [irsa.arn(ctx.partition, 'aps', r, ctx.accountId, 'workspace/' + w) for r in regions]
    for w in irsa.list(workspaces)
  ]);
  assert std.length(arns) > 0 : 'workspaces must name at least one workspace';
  assert std.isBoolean(remoteWrite) && std.isBoolean(query) : 'remoteWrite and query must be true or false';
  assert remoteWrite || query : 'remoteWrite and query are both false: the policy would grant nothing';
  irsa.document(
    (if remoteWrite then [irsa.allow('aps:RemoteWrite', arns, sid='RemoteWrite')] else [])
    + (if query then [
         irsa.allow(['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata'], arns, sid='Query'),
       ] else [])
  )
