package awsfake

// cloudformationActions are the CloudFormation actions the endpoint answers; any other is
// refused with InvalidAction, so a client that needs more fails loudly.
var cloudformationActions = map[string]func(*Server, *request) (any, error){
	"CreateChangeSet":                   (*Server).createChangeSet,
	"DescribeChangeSet":                 (*Server).describeChangeSet,
	"ExecuteChangeSet":                  (*Server).executeChangeSet,
	"DeleteChangeSet":                   (*Server).deleteChangeSet,
	"ListChangeSets":                    (*Server).listChangeSets,
	"DescribeStacks":                    (*Server).describeStacks,
	"ListStacks":                        (*Server).listStacks,
	"DescribeStackEvents":               (*Server).describeStackEvents,
	"GetTemplate":                       (*Server).getTemplate,
	"ListStackResources":                (*Server).listStackResources,
	"DescribeStackResource":             (*Server).describeStackResource,
	"ValidateTemplate":                  (*Server).validateTemplate,
	"DescribeStackResources":            (*Server).describeStackResources,
	"UpdateTerminationProtection":       (*Server).updateTerminationProtection,
	"DeleteStack":                       (*Server).deleteStack,
	"SetStackPolicy":                    (*Server).setStackPolicy,
	"GetStackPolicy":                    (*Server).getStackPolicy,
	"CreateStackRefactor":               (*Server).createStackRefactor,
	"DescribeStackRefactor":             (*Server).describeStackRefactor,
	"ExecuteStackRefactor":              (*Server).executeStackRefactor,
	"ListStackRefactorActions":          (*Server).listStackRefactorActions,
	"DetectStackDrift":                  (*Server).detectStackDrift,
	"DescribeStackDriftDetectionStatus": (*Server).describeStackDriftDetectionStatus,
	"DescribeStackResourceDrifts":       (*Server).describeStackResourceDrifts,
}
