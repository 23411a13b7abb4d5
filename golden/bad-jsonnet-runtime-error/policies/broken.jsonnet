local ctx = std.extVar('irsagen');
function(bucket)
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:%s:s3:::%s/*' % [ctx.partition, bucket, ctx.nope] }],
  }
