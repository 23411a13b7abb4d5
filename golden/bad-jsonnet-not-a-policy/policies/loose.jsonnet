// Evaluates, but to something IAM would refuse: no Effect.
{ Version: '2012-10-17', Statement: [{ Action: 's3:GetObject', Resource: '*' }] }
