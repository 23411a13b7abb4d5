// Helpers for writing IAM policy documents, shared by the built-in policies and by users'
// templates: local irsa = import 'irsagen/lib.libsonnet';
//
// Every field is hidden (::) so that importing the library adds nothing to a document.
{
  // The only policy language version IAM accepts for new documents.
  version:: '2012-10-17',

  // arn joins the six parts of an ARN. region and account are '' for global resources such as
  // S3 buckets ('arn:aws:s3:::my-bucket'), so they are parameters rather than defaults.
  arn(partition, service, region, account, resource)::
    std.join(':', ['arn', partition, service, region, account, resource]),

  // list accepts one string or a list of strings, as IAM does, and always returns a list so
  // that generated documents have one stable shape.
  list(x):: if std.isArray(x) then x else [x],

  // statement builds one policy statement. condition is omitted when null so that documents
  // stay minimal; sid likewise.
  statement(effect, actions, resources, condition=null, sid=null)::
    assert effect == 'Allow' || effect == 'Deny' : 'effect must be "Allow" or "Deny", got ' + std.toString(effect);
    assert std.length($.list(actions)) > 0 : 'a statement needs at least one action';
    assert std.length($.list(resources)) > 0 : 'a statement needs at least one resource';
    (if sid == null then {} else { Sid: sid })
    + {
      Effect: effect,
      Action: $.list(actions),
      Resource: $.list(resources),
    }
    + (if condition == null then {} else { Condition: condition }),

  allow(actions, resources, condition=null, sid=null)::
    $.statement('Allow', actions, resources, condition, sid),

  deny(actions, resources, condition=null, sid=null)::
    $.statement('Deny', actions, resources, condition, sid),

  // document wraps statements in a policy document, the value a policy template evaluates to.
  document(statements):: {
    Version: $.version,
    Statement: statements,
  },

  // hostedZoneArn accepts a Route 53 hosted zone id as the console shows it (Z0123456789ABC) or
  // as the API returns it (/hostedzone/Z0123456789ABC).
  hostedZoneArn(partition, zone)::
    local prefix = '/hostedzone/';
    local id = if std.startsWith(zone, prefix) then std.substr(zone, std.length(prefix), std.length(zone)) else zone;
    assert id != '' && std.length(std.findSubstr('/', id)) == 0 : 'not a hosted zone id: ' + std.toString(zone);
    $.arn(partition, 'route53', '', '', 'hostedzone/' + id),

  // roleArn accepts an IAM role as an ARN, or as a name (optionally with its path, /path/name)
  // in the given account.
  roleArn(partition, account, role)::
    if std.startsWith(role, 'arn:') then role
    else $.arn(partition, 'iam', '', account, 'role/' + std.lstripChars(role, '/')),

  // s3Arns is a bucket and the objects under prefix ('' for the whole bucket), the two resources
  // that S3 permissions come in: ListBucket acts on the first, object actions on the second.
  s3Arns(partition, bucket, prefix='')::
    assert bucket != '' && std.length(std.findSubstr('/', bucket)) == 0 : 'not a bucket name: ' + std.toString(bucket);
    local p = std.lstripChars(prefix, '/');
    {
      bucket: $.arn(partition, 's3', '', '', bucket),
      objects: $.arn(partition, 's3', '', '', bucket + '/' + (if p == '' || std.endsWith(p, '/') then p else p + '/') + '*'),
    },

  // optionalList is list for an optional argument: null (not given) is the empty list.
  optionalList(x):: if x == null then [] else $.list(x),
}
