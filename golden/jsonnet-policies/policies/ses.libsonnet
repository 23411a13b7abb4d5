{
  identity(ctx, domain):: 'arn:%s:ses:%s:%s:identity/%s' % [ctx.partition, ctx.region, ctx.accountId, domain],
}
