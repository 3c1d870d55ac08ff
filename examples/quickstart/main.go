// Command quickstart shows how an internal service calls interlog with the
// generated Go client: it creates an interaction group and a template, then
// reads them back. A group or template that already exists (say, from the
// README's grpcurl walk-through, or an earlier run) is kept and read back.
//
//	go run ./examples/quickstart -addr 127.0.0.1:50051
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "interlog server address")
	token := flag.String("token", os.Getenv("INTERLOG_TOKEN"), "bearer token, when the server requires one")
	flag.Parse()
	if err := run(*addr, *token, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(addr, token string, out io.Writer) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	groups := apiv1.NewInteractionGroupServiceClient(conn)
	templates := apiv1.NewInteractionTemplateServiceClient(conn)

	// A request id makes the create safe to retry: a retry returns the first response.
	// ALREADY_EXISTS means someone created it before: fine, it is read back below.
	_, err = groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
		InteractionGroup: &apiv1.InteractionGroup{Code: "MEETING", Description: "Meetings"},
		RequestId:        uuid.NewString(),
	})
	if err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("create group: %s", status.Convert(err).Message())
	}
	_, err = templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{
			Code: "MEET-CUST", InteractionGroupCode: "MEETING", Description: "Customer meeting",
			UnitCost: "25.50", InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND,
			InitiatedBy: apiv1.InitiatedBy_INITIATED_BY_US,
		},
		RequestId: uuid.NewString(),
	})
	if err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("create template: %s", status.Convert(err).Message())
	}

	group, err := groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{Name: "interactionGroups/MEETING"})
	if err != nil {
		return fmt.Errorf("get group: %s", status.Convert(err).Message())
	}
	list, err := templates.ListInteractionTemplates(ctx, &apiv1.ListInteractionTemplatesRequest{InteractionGroupCode: "MEETING"})
	if err != nil {
		return fmt.Errorf("list templates: %s", status.Convert(err).Message())
	}
	fmt.Fprintf(out, "group %s: %s\n", group.GetInteractionGroup().GetName(), group.GetInteractionGroup().GetDescription())
	for _, t := range list.GetInteractionTemplates() {
		fmt.Fprintf(out, "template %s: %s, unit cost %s\n", t.GetName(), t.GetDescription(), t.GetUnitCost())
	}
	return nil
}
