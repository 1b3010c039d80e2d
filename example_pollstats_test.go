package daas_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/daaskit/daas"
)

// A service saves what its client learnt about job durations and starts
// the next process warm with it.
func ExampleWithPollStats() {
	saved := `{"types":[{"type":"UpdateMachineCatalog","durationsSeconds":[310,295,330,301,288,342,317,305]}]}`
	var stats daas.PollStats
	if err := json.Unmarshal([]byte(saved), &stats); err != nil {
		log.Fatal(err)
	}
	client, err := daas.NewClient("loy6oujtu6a4",
		daas.WithClientCredentials("my-client-id", "my-client-secret"),
		daas.WithPollStats(stats),
	)
	if err != nil {
		log.Fatal(err)
	}
	// Waits for UpdateMachineCatalog jobs now place their reads
	// geometrically between the shortest and the longest of these
	// durations (288 s to 342 s); each finished job adds its own.
	out, err := json.Marshal(client.PollStats())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))
	// Output:
	// {"types":[{"type":"UpdateMachineCatalog","durationsSeconds":[310,295,330,301,288,342,317,305]}]}
}
