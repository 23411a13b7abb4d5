// ExternalDNS: keeps Route 53 records in the given hosted zones in step with Services, Ingresses
// and Gateway routes.
// Source: https://kubernetes-sigs.github.io/external-dns/latest/docs/tutorials/aws/ (v0.15)
//
// The published policy allows record changes in every hosted zone (hostedzone/*) and suggests
// naming the zones; this one names them. ListHostedZones cannot be scoped (IAM has no resource
// for it), and ExternalDNS needs it to map its domain filters to zone ids.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(hostedZones)
  local zones = [irsa.hostedZoneArn(ctx.partition, zone) for zone in irsa.list(hostedZones)];
  assert std.length(zones) > 0 : 'hostedZones must name at least one hosted zone';
  irsa.document([
    irsa.allow([
      'route53:ChangeResourceRecordSets',
      'route53:ListResourceRecordSets',
      'route53:ListTagsForResources',
    ], zones),
    irsa.allow('route53:ListHostedZones', '*'),
  ])
