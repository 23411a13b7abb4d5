// Each namespace reads and writes its own prefix of the shared bucket: the document depends on
// the role, so each role embeds its own.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(bucketPrefix)
  local bucket = '%s-%s' % [bucketPrefix, ctx.accountName];
  irsa.document([
    irsa.allow(['s3:GetObject', 's3:PutObject'], [irsa.arn(ctx.partition, 's3', '', '', '%s/%s/*' % [bucket, ctx.namespace])]),
  ])
