// Sending mail from one verified domain: the same document for every role of an account.
local irsa = import 'irsagen/lib.libsonnet';
local ses = import 'ses.libsonnet';
local ctx = std.extVar('irsagen');

function(domain)
  irsa.document([
    irsa.allow(['ses:SendEmail', 'ses:SendRawEmail'], [ses.identity(ctx, domain)]),
  ])
