"""The review desk: a local web page where a person clears the `review` queue (`capture review`),
and the export of what they accepted (`capture export`)."""
