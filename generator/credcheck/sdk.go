package credcheck

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// PodEnv is the environment of the pod the check runs in, with the AWS SDK's default credential
// chain: what every SDK in the pod's containers would do.
func PodEnv() Env {
	return Env{Getenv: os.Getenv, ReadFile: os.ReadFile, Identity: callerIdentity}
}

func callerIdentity(ctx context.Context) (string, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return "", err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}
