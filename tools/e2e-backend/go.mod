module breakwater.local/e2e-backend

go 1.22
