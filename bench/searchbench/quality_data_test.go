package searchbench

// labelled is the hand-built relevance set: short documents on six
// subjects, with queries whose relevant documents were chosen by reading
// each document (not by running either engine).
type labelledDoc struct{ id, title, body string }

var labelledDocs = []labelledDoc{
	// storage engines
	{"db01", "Write-ahead logging", "Every change is appended to the log and synced before the data pages are written, so a crash can be recovered by replaying the log."},
	{"db02", "Group commit", "Many transactions share one fsync of the write-ahead log, which raises commit throughput on slow disks."},
	{"db03", "B+ tree page splits", "When a leaf page is full it splits in two and the parent gets a new separator key; the tree stays balanced."},
	{"db04", "LSM compaction", "Sorted string tables are merged level by level; compaction removes overwritten keys and tombstones and bounds read amplification."},
	{"db05", "Bloom filters in SSTables", "Each sorted table carries a bloom filter so a point lookup skips tables that cannot hold the key."},
	{"db06", "Snapshot isolation", "Each transaction reads a consistent snapshot; the first committer wins when two transactions write the same key."},
	{"db07", "Serializable transactions", "Validating the read set at commit rejects write skew and makes concurrent transactions serializable."},
	{"db08", "Buffer pool eviction", "The buffer pool keeps hot pages in memory and evicts cold pages with the clock algorithm; dirty pages are flushed first."},
	{"db09", "Checkpoints and recovery", "A checkpoint flushes dirty pages so recovery replays only the log written after it."},
	{"db10", "Inverted indexes", "Full-text search engines keep, for every term, a posting list of the documents containing it, compressed with delta encoding."},
	{"db11", "BM25 ranking", "BM25 scores a document by term frequency, inverse document frequency and document length normalisation."},
	// cooking
	{"ck01", "Fresh pasta dough", "Knead flour and eggs into a smooth dough, rest it, then roll thin sheets for tagliatelle."},
	{"ck02", "Tomato sauce", "Simmer crushed tomatoes with garlic and olive oil; finish with basil and toss with pasta."},
	{"ck03", "Sourdough bread", "A starter of flour and water ferments for days; the dough rises slowly and bakes into a crusty loaf."},
	{"ck04", "Risotto technique", "Toast the rice, add hot stock a ladle at a time and stir until creamy."},
	{"ck05", "Roasting vegetables", "Toss vegetables in oil and salt and roast in a hot oven until the edges caramelise."},
	{"ck06", "Baking cookies", "Cream butter and sugar, add flour and chocolate chips, and bake the cookies until golden."},
	{"ck07", "Pizza at home", "Stretch the dough by hand, add tomato sauce and mozzarella and bake on a very hot stone."},
	// astronomy
	{"as01", "Black holes", "A black hole forms when a massive star collapses; not even light escapes past the event horizon."},
	{"as02", "Exoplanet transits", "Astronomers detect planets around other stars by the dip in starlight when a planet transits its star."},
	{"as03", "The life of stars", "Stars fuse hydrogen into helium; massive stars end as supernovae, smaller ones as white dwarfs."},
	{"as04", "Telescopes", "A larger telescope mirror gathers more light and resolves finer detail of distant galaxies."},
	{"as05", "The Moon's phases", "The Moon shows phases as its lit half turns toward or away from Earth during the month."},
	{"as06", "Galaxies", "Galaxies hold billions of stars bound by gravity; the Milky Way is a barred spiral galaxy."},
	// football
	{"fb01", "The offside rule", "A player is offside if nearer the goal line than the ball and the second last defender when the ball is played."},
	{"fb02", "Penalty kicks", "A penalty kick is taken from the spot; the goalkeeper must stay on the goal line until the ball is kicked."},
	{"fb03", "Formations", "Coaches choose formations such as four four two or four three three to balance defence and attack."},
	{"fb04", "The World Cup", "National teams qualify for the World Cup, played every four years in a host country."},
	{"fb05", "Goalkeeping", "A goalkeeper may handle the ball inside the penalty area and organises the defence."},
	// gardening
	{"gd01", "Growing tomatoes", "Tomato plants need sun, regular watering and support stakes; pinch out side shoots for bigger fruit."},
	{"gd02", "Composting", "Kitchen scraps and garden waste break down into compost that feeds the soil."},
	{"gd03", "Pruning roses", "Prune roses in late winter, cutting above an outward facing bud to open the plant."},
	{"gd04", "Watering plants", "Water deeply and less often so roots grow down; morning watering loses less to evaporation."},
	{"gd05", "Soil and fertiliser", "Nitrogen feeds leaves, phosphorus roots and potassium flowers; test the soil before adding fertiliser."},
	// music
	{"mu01", "Learning guitar chords", "Start with open chords, practise changing between them slowly, then strum in rhythm."},
	{"mu02", "Piano scales", "Practising scales on the piano builds finger strength and teaches the keys of each scale."},
	{"mu03", "Reading sheet music", "Notes on the staff show pitch; their shapes show how long each note lasts."},
	{"mu04", "Home recording", "A microphone, an audio interface and a quiet room are enough to record songs at home."},
	{"mu05", "Rhythm and tempo", "Tempo is the speed of the beat; practise with a metronome to keep steady rhythm."},
}

type labelledQuery struct {
	q        string
	relevant []string
}

var labelledQueries = []labelledQuery{
	{"crash recovery log", []string{"db01", "db09", "db02"}},
	{"transaction isolation write skew", []string{"db06", "db07"}},
	{"page splits balanced tree", []string{"db03"}},
	{"compaction sorted tables", []string{"db04", "db05"}},
	{"full text search ranking", []string{"db10", "db11"}},
	{"dirty pages flushed", []string{"db08", "db09"}},
	{"pasta with tomato sauce", []string{"ck01", "ck02", "ck07"}},
	{"bread dough baking", []string{"ck03", "ck07", "ck01", "ck06"}},
	{"stars collapse", []string{"as01", "as03"}},
	{"planets around other stars", []string{"as02"}},
	{"galaxy telescope light", []string{"as04", "as06"}},
	{"goalkeeper penalty", []string{"fb02", "fb05"}},
	{"football formations defence", []string{"fb03", "fb05", "fb01"}},
	{"growing tomato plants", []string{"gd01"}},
	{"soil compost fertiliser", []string{"gd02", "gd05"}},
	{"watering roots", []string{"gd04"}},
	{"practise guitar piano", []string{"mu01", "mu02"}},
	{"rhythm tempo metronome", []string{"mu05"}},
	{"recording songs microphone", []string{"mu04"}},
	{"prune roses winter", []string{"gd03"}},
}
