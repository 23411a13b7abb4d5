// External Secrets Operator: syncs AWS Secrets Manager secrets and SSM Parameter Store
// parameters into Kubernetes Secrets (and back, with PushSecret).
// Source: https://external-secrets.io/latest/provider/aws-secrets-manager/ and
// https://external-secrets.io/latest/provider/aws-parameter-store/ (v0.19)
//
// As the documentation recommends, reads are limited to secrets and parameters whose names start
// with the given prefixes, in region (default: the region of each cluster the role serves; '*'
// for any) and the role's account. find adds the listing that dataFrom.find and tag filters need (ListSecrets,
// BatchGetSecretValue, DescribeParameters: IAM has no resource for them, and values still need
// the per-secret permissions). push adds the writes PushSecret makes, on the same names.
// kmsKeyArns adds kms:Decrypt (and kms:GenerateDataKey with push) for values encrypted with
// customer managed keys.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(secretPrefixes=null, parameterPrefixes=null, region=null, find=false, push=false, kmsKeyArns=null)
  local p = ctx.partition;
  local regions = if region == null then ctx.regions else [region];
  local secrets = [
    irsa.arn(p, 'secretsmanager', r, ctx.accountId, 'secret:' + prefix + '*')
    for r in regions
    for prefix in irsa.optionalList(secretPrefixes)
  ];
  // A parameter's ARN holds its name without the leading "/" ("/prod/db" is parameter/prod/db).
  local parameterNames = [std.lstripChars(prefix, '/') for prefix in irsa.optionalList(parameterPrefixes)];
  local parameters = [irsa.arn(p, 'ssm', r, ctx.accountId, 'parameter/' + name + '*') for r in regions for name in parameterNames];
  // GetParametersByPath acts on the path itself (/prod/ is parameter/prod).
  local paths = [
    irsa.arn(p, 'ssm', r, ctx.accountId, 'parameter/' + std.rstripChars(name, '/'))
    for r in regions
    for name in parameterNames
    if std.endsWith(name, '/') && std.length(std.rstripChars(name, '/')) > 0
  ];
  local keys = irsa.optionalList(kmsKeyArns);
  assert std.length(secrets) + std.length(parameters) > 0 : 'name at least one prefix in secretPrefixes or parameterPrefixes';
  assert std.isBoolean(find) && std.isBoolean(push) : 'find and push must be true or false';
  irsa.document(
    (if std.length(secrets) == 0 then [] else [
       irsa.allow([
         'secretsmanager:GetResourcePolicy',
         'secretsmanager:GetSecretValue',
         'secretsmanager:DescribeSecret',
         'secretsmanager:ListSecretVersionIds',
       ], secrets, sid='ReadSecrets'),
     ] + (if !push then [] else [
            irsa.allow([
              'secretsmanager:CreateSecret',
              'secretsmanager:PutSecretValue',
              'secretsmanager:TagResource',
              'secretsmanager:DeleteSecret',
            ], secrets, sid='PushSecrets'),
          ]) + (if !find then [] else [
                  irsa.allow(['secretsmanager:ListSecrets', 'secretsmanager:BatchGetSecretValue'], '*', sid='FindSecrets'),
                ]))
    + (if std.length(parameters) == 0 then [] else [
         irsa.allow([
           'ssm:GetParameter',
           'ssm:GetParameters',
           'ssm:GetParametersByPath',
           'ssm:ListTagsForResource',
         ], parameters + paths, sid='ReadParameters'),
       ] + (if !push then [] else [
              irsa.allow(['ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:DeleteParameter'], parameters, sid='PushParameters'),
            ]) + (if !find then [] else [
                    irsa.allow('ssm:DescribeParameters', '*', sid='FindParameters'),
                  ]))
    + (if std.length(keys) == 0 then [] else [
         irsa.allow(['kms:Decrypt'] + (if push then ['kms:GenerateDataKey'] else []), keys, sid='DecryptValues'),
       ])
  )
