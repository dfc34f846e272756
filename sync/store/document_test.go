package store

import (
	"path/filepath"
	"testing"
)

func TestDocumentSetAndGet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mach.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, data, err := st.Document("profile"); v != 0 || data != nil || err != nil {
		t.Fatalf("Document before any = %d, %q, %v; want 0, nil, nil", v, data, err)
	}
	for _, v := range []int{2, 3} {
		if err := st.SetDocument("profile", v, []byte("id: p\nversion: "+string(rune('0'+v))+"\n")); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetDocument("checklist", 5, []byte("id: c\n")); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if st, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, data, err := st.Document("profile"); v != 3 || string(data) != "id: p\nversion: 3\n" || err != nil {
		t.Fatalf("Document(profile) = %d, %q, %v; want the latest set, after reopening", v, data, err)
	}
	if v, data, err := st.Document("checklist"); v != 5 || string(data) != "id: c\n" || err != nil {
		t.Fatalf("Document(checklist) = %d, %q, %v", v, data, err)
	}
}
